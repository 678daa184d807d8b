using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;
using TextTagger.Server;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>endpoints.MapTextTagger("/prefix")</c>: POST v1/predict, v1/explain and v1/predict/file, GET v1/labels, and as
/// the options say the moderation page at the prefix's /, health (healthz, healthz/live, healthz/ready) and Prometheus
/// metrics. Returns the group, so the host adds its own authorization, rate limiting or CORS:
/// <c>app.MapTextTagger("/moderation").RequireAuthorization("moderators")</c>. Needs <c>services.AddTextTagger(...)</c>.
/// </summary>
public static class TextTaggerEndpoints
{
    /// <summary>The health-check tag of the readiness check (the model is loaded and the queue has room).</summary>
    public const string ReadyTag = "texttagger-ready";

    public static RouteGroupBuilder MapTextTagger(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var services = endpoints.ServiceProvider;
        var options = services.GetService<TaggerServerOptions>()
                      ?? throw new InvalidOperationException("MapTextTagger needs services.AddTextTagger(...) first");
        var group = endpoints.MapGroup(prefix);
        MapTextsEndpoint<PredictRequest, PredictResponse>(group.MapPost("/v1/predict", PredictEndpoint.HandleAsync),
            "Predict", "Probabilities and tags for each text");
        MapTextsEndpoint<ExplainRequest, ExplainResponse>(group.MapPost("/v1/explain", ExplainEndpoint.HandleAsync),
            "Explain", "Which words drove each label, per text (occlusion)");
        group.MapGet("/v1/labels", (ServedModel model, TaggerServerOptions options) =>
                new LabelsResponse(model.Tagger.Labels, TextsRequest.ByLabel(model.Tagger.Labels, model.Tagger.Thresholds), model.Name,
                    model.Tagger.EngineName, model.Tagger.Precision.ToString().ToLowerInvariant(), model.Tagger.MaxTokens,
                    options.MaxTextLength, options.MaxTextsPerRequest, options.MaxFileTexts, LabelsResponse.RulesOf(model.Tagger)))
            .WithName("Labels")
            .WithSummary("The model's labels, their thresholds and the rules that chose them");
        group.MapPost(PredictFileEndpoint.Route, PredictFileEndpoint.HandleAsync)
            .WithName("PredictFile")
            .WithSummary("Score a whole file: text/csv (text column, optional id column) or text/plain (one text per line) in, the scored CSV out")
            .Accepts<string>("text/csv", "text/plain")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        if (options.Page) ModerationPage.Map(group);
        if (options.HealthEndpoints) MapHealth(group);
        if (options.MetricsEndpoint) group.MapMetrics("/metrics", services.GetRequiredService<ServerMetrics>().Registry);
        return group;
    }

    static void MapHealth(RouteGroupBuilder group)
    {
        group.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealth })
            .WithName("Live").WithSummary("Liveness: the process answers");
        group.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteHealth })
            .WithName("Ready").WithSummary("Readiness: the model is loaded and the queue has room (503 when saturated)");
        group.MapGet("/healthz", (ServedModel model, TaggerServerOptions options) =>
                new HealthResponse("ok", model.Tagger.Labels.Count, options.MicroBatching, options.EffectiveConcurrentBatches))
            .WithName("Health")
            .WithSummary("Liveness: the model is loaded");
    }

    /// <summary>The OpenAPI description of an endpoint that takes texts (<see cref="TextsRequest"/>): JSON in, JSON out,
    /// and its 400, 413 and 415 problems.</summary>
    static void MapTextsEndpoint<TRequest, TResponse>(RouteHandlerBuilder endpoint, string name, string summary) where TRequest : notnull =>
        endpoint.WithName(name).WithSummary(summary)
            .Accepts<TRequest>("application/json")
            .Produces<TResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    static Task WriteHealth(Microsoft.AspNetCore.Http.HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Description);
        return context.Response.WriteAsJsonAsync(new { status = report.Status.ToString().ToLowerInvariant(), checks });
    }


}
