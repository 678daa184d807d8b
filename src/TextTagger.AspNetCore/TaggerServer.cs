using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace TextTagger.Server;

/// <summary>
/// Builds the HTTP service: the moderation page at /, POST /v1/predict, /v1/explain and /v1/predict/file, GET
/// /v1/labels, health (/healthz, /healthz/live, /healthz/ready), Prometheus metrics at /metrics and the OpenAPI
/// document at /openapi/v1.json; API keys and the admission queue in front of the scoring endpoints. The model is
/// loaded while building, so a bad model directory fails before listening.
/// </summary>
public static class TaggerServer
{
    public static WebApplication Build(TaggerServerOptions options, string[]? args = null)
    {
        // Options are checked when the model loads (ServedModel), from the container: tests may replace them.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [] });
        if (options.Urls != null) builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddTextTagger(options);
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "TextTagger";
            document.Info.Description = "Multi-label text classification: probabilities and tags per text.";
            return Task.CompletedTask;
        }));
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = DescribeFrameworkProblem);

        var app = builder.Build();
        app.Services.GetRequiredService<IPredictionService>();   // load the model now
        var metrics = app.Services.GetRequiredService<ServerMetrics>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseHttpMetrics(http => http.SetMetricFactory(Metrics.WithCustomRegistry(metrics.Registry)));
        var keys = app.Services.GetRequiredService<ApiKeys>();
        app.Use((context, next) => keys.CheckAsync(context, _ => next()));
        app.MapOpenApi();
        app.MapTextTagger();
        WarnWhenOpenToTheNetwork(app, options);
        return app;
    }

    /// <summary>Problems the framework answers itself (415 from the endpoint's content-type rule, 405, 404) get a
    /// detail too.</summary>
    static void DescribeFrameworkProblem(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail != null) return;
        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType =>
                $"send the body as {(request.Path == PredictFileEndpoint.Route ? PredictFileEndpoint.MediaTypes : "application/json")}, " +
                $"not '{(string.IsNullOrEmpty(request.ContentType) ? "no content type" : request.ContentType)}'",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}",
            StatusCodes.Status404NotFound => $"no endpoint at {request.Path}",
            _ => null,
        };
    }

    /// <summary>Listening beyond loopback with no API keys: anyone who reaches the port can use the model.</summary>
    static void WarnWhenOpenToTheNetwork(WebApplication app, TaggerServerOptions options)
    {
        if (options.ApiKeyFile != null || options.Urls == null) return;
        var exposed = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(url => !IsLoopback(url)).ToArray();
        if (exposed.Length > 0)
            app.Logger.LogWarning("listening on {Urls} without API keys: anyone who reaches it can use the model (give --api-key-file FILE)",
                                  string.Join(", ", exposed));
    }

    static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)) return false;
        return uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
    }
}
