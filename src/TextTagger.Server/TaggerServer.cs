using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TextTagger.Server;

/// <summary>
/// Builds the HTTP service: POST /v1/predict, GET /v1/labels, GET /healthz and the OpenAPI document at
/// /openapi/v1.json. The model is loaded while building, so a bad model directory fails before listening.
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

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ServedModel>();
        builder.Services.AddSingleton<IPredictionService>(services =>
        {
            var served = services.GetRequiredService<ServedModel>();
            var chosen = services.GetRequiredService<TaggerServerOptions>();
            return chosen.MicroBatching ? new MicroBatcher(served, chosen) : new DirectPredictor(served);
        });
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = DescribeFrameworkProblem);
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "TextTagger";
            document.Info.Description = "Multi-label text classification: probabilities and tags per text.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.Services.GetRequiredService<IPredictionService>();   // load the model now
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        Map(app, options);
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

    /// <summary>The OpenAPI description of an endpoint that takes texts (<see cref="TextsRequest"/>): JSON in, JSON out,
    /// and its 400, 413 and 415 problems.</summary>
    static void MapTextsEndpoint<TRequest, TResponse>(RouteHandlerBuilder endpoint, string name, string summary) where TRequest : notnull =>
        endpoint.WithName(name).WithSummary(summary)
            .Accepts<TRequest>("application/json")
            .Produces<TResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    static void Map(WebApplication app, TaggerServerOptions options)
    {
        app.MapOpenApi();
        MapTextsEndpoint<PredictRequest, PredictResponse>(app.MapPost("/v1/predict", PredictEndpoint.HandleAsync),
            "Predict", "Probabilities and tags for each text");
        MapTextsEndpoint<ExplainRequest, ExplainResponse>(app.MapPost("/v1/explain", ExplainEndpoint.HandleAsync),
            "Explain", "Which words drove each label, per text (occlusion)");
        app.MapGet("/v1/labels", (ServedModel model, TaggerServerOptions options) =>
                new LabelsResponse(model.Tagger.Labels, TextsRequest.ByLabel(model.Tagger.Labels, model.Tagger.Thresholds), model.Name,
                    model.Tagger.Engine.Name, model.Tagger.Precision.ToString().ToLowerInvariant(), model.Tagger.MaxTokens,
                    options.MaxTextLength, options.MaxTextsPerRequest, options.MaxFileTexts))
            .WithName("Labels")
            .WithSummary("The model's labels and their thresholds");
        app.MapPost(PredictFileEndpoint.Route, PredictFileEndpoint.HandleAsync)
            .WithName("PredictFile")
            .WithSummary("Score a whole file: text/csv (text column, optional id column) or text/plain (one text per line) in, the scored CSV out")
            .Accepts<string>("text/csv", "text/plain")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        if (options.Page) ModerationPage.Map(app);
        app.MapGet("/healthz", (ServedModel model, TaggerServerOptions options) =>
                new HealthResponse("ok", model.Tagger.Labels.Count, options.MicroBatching))
            .WithName("Health")
            .WithSummary("Liveness: the model is loaded");
    }
}
