using Microsoft.AspNetCore.Http;

namespace TextTagger.Server;

/// <summary>
/// POST /v1/explain: the words that drove each label, per text (occlusion, see Tagger.Explain), after the same checks
/// as /v1/predict (<see cref="TextsRequest"/>); an unknown label is a 400.
/// </summary>
static class ExplainEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, IPredictionService predictor, ServedModel model, TaggerServerOptions options, ServerMetrics metrics)
    {
        var (parsed, problem) = await TextsRequest.ReadAsync<ExplainRequest>(context, options, r => r?.Texts);
        if (problem != null) return problem;
        var tagger = model.Tagger;
        var labels = parsed!.Labels ?? tagger.Labels;
        if (labels.FirstOrDefault(l => !tagger.Labels.Contains(l)) is { } unknown)
            return Problems.Create(StatusCodes.Status400BadRequest, "Unknown label",
                $"labels: {ModelFiles.LabelLookup.Describe(unknown, tagger.Labels)}");

        var texts = parsed.Texts!.Select(t => t!).ToArray();
        // An explained text costs up to the explainer's budget of forward passes: admitted as that many texts.
        return await Admission.RunAsync(context, (long)texts.Length * Inference.Explaining.OcclusionExplainer.DefaultMaxPasses, async cancellation =>
        {
            // Explanations are many forward passes each: one text at a time, in turn with the predictions.
            var explained = new Inference.Explaining.Explanation[texts.Length];
            for (int i = 0; i < texts.Length; i++)
            {
                string text = texts[i];
                explained[i] = await predictor.RunAsync(t => t.Explain(text, labels), cancellation);
            }
            metrics.TextsScored.WithLabels("explain").Inc(texts.Length);
            var items = explained.Select(e => new TextExplanation(
                TextsRequest.ByLabel(tagger.Labels, e.Prediction.Probabilities), e.Prediction.Tags, e.Truncated,
                e.Words.Select(w => new ExplainedWord(w.Text, w.Start, w.Length,
                    labels.ToDictionary(l => l, l => w.Scores[e.LabelIndex(l)]), w.Alone)).ToArray())).ToArray();
            return Results.Ok(new ExplainResponse(labels, items));
        });
    }
}
