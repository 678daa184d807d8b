using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TextTagger.Server;

/// <summary>
/// POST /v1/explain: the words that drove each label, per text (occlusion, see Tagger.Explain), with the same
/// content-type, body, text-count and text-length limits and problem details as /v1/predict; an unknown label is a 400.
/// </summary>
static class ExplainEndpoint
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IResult> HandleAsync(HttpContext context, ServedModel model, TaggerServerOptions options)
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                $"send the body as application/json, not '{request.ContentType ?? "no content type"}'");
        var body = await PredictEndpoint.ReadBodyAsync(request, options.MaxRequestBodyBytes, context.RequestAborted);
        if (body == null)
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"the body may hold at most {options.MaxRequestBodyBytes:N0} bytes");
        ExplainRequest? parsed;
        try { parsed = JsonSerializer.Deserialize<ExplainRequest>(body, Json); }
        catch (JsonException e) { return Problems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", PredictEndpoint.Describe(e)); }

        if (PredictEndpoint.Check(parsed?.Texts, options) is { } problem) return problem;
        var tagger = model.Tagger;
        var labels = parsed!.Labels ?? tagger.Labels;
        if (labels.FirstOrDefault(l => !tagger.Labels.Contains(l)) is { } unknown)
            return Problems.Create(StatusCodes.Status400BadRequest, "Unknown label",
                $"labels: '{unknown}' is not one of the model's labels ({string.Join(", ", tagger.Labels)})");

        var texts = parsed.Texts!.Select(t => t!).ToArray();
        // Explanations are many forward passes each: run them off the request thread, one text at a time.
        var explained = await Task.Run(() => texts.Select(tagger.Explain).ToArray(), context.RequestAborted);
        var indexes = labels.Select(l => tagger.Labels.ToList().IndexOf(l)).ToArray();
        var items = explained.Select(e => new TextExplanation(
            tagger.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => e.Prediction.Probabilities[x.i]),
            e.Prediction.Tags, e.Truncated,
            e.Words.Select(w => new ExplainedWord(w.Text, w.Start, w.Length,
                indexes.ToDictionary(i => tagger.Labels[i], i => w.Scores[i]))).ToArray())).ToArray();
        return Results.Ok(new ExplainResponse(labels, items));
    }
}
