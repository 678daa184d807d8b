using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TextTagger.Server;

/// <summary>
/// The moderation page at /: plain HTML, CSS and JavaScript embedded in this assembly (Page/), no build step and no
/// CDN, so it works offline. It only calls the public API (/v1/labels, /v1/predict, /v1/explain, /v1/predict/file):
/// whatever the page shows, a client can get the same way.
/// </summary>
static class ModerationPage
{
    static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/page.css", "page.css", "text/css; charset=utf-8"),
        ("/page.js", "page.js", "text/javascript; charset=utf-8"),
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Read(resource);
            app.MapGet(path, (HttpContext context) =>
                {
                    // Under a prefix the page must be asked for as "/prefix/": its calls (v1/predict, page.js) are relative.
                    if (path == "/" && !context.Request.Path.Value!.EndsWith('/'))
                        return Results.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString);
                    context.Response.Headers.CacheControl = "no-cache";
                    context.Response.Headers["Content-Security-Policy"] =
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'";
                    context.Response.Headers["X-Content-Type-Options"] = "nosniff";
                    return Results.Bytes(content, contentType);
                })
                .ExcludeFromDescription();
        }
    }

    static byte[] Read(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Page/" + resource)
                           ?? throw new InvalidOperationException($"the page resource {resource} is not embedded");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
