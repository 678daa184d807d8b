using Microsoft.AspNetCore.Http;
using TextTagger.Inference;

namespace TextTagger.Server;

/// <summary>POST /v1/predict: probabilities and tags per text, after the checks of <see cref="TextsRequest"/>.</summary>
static class PredictEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, IPredictionService predictor, ServedModel model,
                                                  TaggerServerOptions options, ServerMetrics metrics)
    {
        var (parsed, problem) = await TextsRequest.ReadAsync<PredictRequest>(context, options, r => r?.Texts);
        if (problem != null) return problem;
        var texts = parsed!.Texts!.Select(t => t!).ToArray();
        return await Admission.RunAsync(context, texts.Length, async cancellation =>
        {
            var predictions = await predictor.PredictAsync(texts, cancellation);
            metrics.TextsScored.WithLabels("predict").Inc(texts.Length);
            return Results.Ok(ToResponse(model.Tagger.Labels, predictions));
        });
    }

    static PredictResponse ToResponse(IReadOnlyList<string> labels, IReadOnlyList<Prediction> predictions) =>
        new(labels, predictions.Select(p => new TextPrediction(TextsRequest.ByLabel(labels, p.Probabilities), p.Tags, p.Truncated)).ToArray());
}
