using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TextTagger.Server;

namespace TextTagger.Tests.Serving;

/// <summary>The service in memory (WebApplicationFactory over the server's Program; named in full: the CLI has a Program too),
/// with the given options.</summary>
public sealed class TaggerServerFactory(TaggerServerOptions options) : WebApplicationFactory<TextTagger.Server.Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton(options));
}
