using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

// An existing app with its own authentication and authorization policy, adding TextTagger under its own prefix.
// Run: dotnet run -- --urls http://127.0.0.1:5000 --TextTagger:Model:ModelPath models/toxic-int8
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuthentication(ModeratorKey.SchemeName).AddScheme<AuthenticationSchemeOptions, ModeratorKey>(ModeratorKey.SchemeName, null);
builder.Services.AddAuthorizationBuilder().AddPolicy("moderators", policy => policy.RequireRole("moderator"));
builder.Services.AddTextTagger(builder.Configuration.GetSection("TextTagger"));

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/", () => "the host's own endpoints stay as they were");
app.MapTextTagger("/moderation").RequireAuthorization("moderators");
app.Run();

/// <summary>The host's own scheme: a moderator sends X-Moderator-Key (a real app would use JWT, cookies, …).</summary>
sealed class ModeratorKey(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ModeratorKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers["X-Moderator-Key"] != "let-me-in") return Task.FromResult(AuthenticateResult.NoResult());
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "mod"), new Claim(ClaimTypes.Role, "moderator")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
