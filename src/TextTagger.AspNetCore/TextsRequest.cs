using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TextTagger.Server;

/// <summary>
/// What /v1/predict and /v1/explain check before any text reaches the model — content type, body size, JSON shape,
/// text count and length — each problem answered with RFC 7807 problem details (400, 413 or 415).
/// </summary>
static class TextsRequest
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The parsed body, or the problem to answer instead.</summary>
    /// <param name="texts">Where the body's texts are.</param>
    public static async Task<(T? Request, IResult? Problem)> ReadAsync<T>(HttpContext context, TaggerServerOptions options,
                                                                         Func<T?, IReadOnlyList<string?>?> texts) where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                $"send the body as application/json, not '{request.ContentType ?? "no content type"}'"));

        using var body = new MemoryStream();
        if (!await RequestBody.CopyAsync(request, body, options.MaxRequestBodyBytes, context.RequestAborted))
            return (null, Problems.Create(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"the body may hold at most {options.MaxRequestBodyBytes:N0} bytes"));

        T? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<T>(body.GetBuffer().AsSpan(0, (int)body.Length), Json);
        }
        catch (JsonException e)
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", Describe(e)));
        }
        return Check(texts(parsed), options) is { } problem ? (null, problem) : (parsed, null);
    }

    /// <summary>Values in label order as {label: value}, the shape every answer uses.</summary>
    public static Dictionary<string, double> ByLabel(IReadOnlyList<string> labels, IReadOnlyList<double> values)
    {
        var byLabel = new Dictionary<string, double>(labels.Count);
        for (int l = 0; l < labels.Count; l++) byLabel[labels[l]] = values[l];
        return byLabel;
    }

    /// <summary>What is wrong, in the request's own terms (System.Text.Json's messages name .NET types).</summary>
    static string Describe(JsonException e)
    {
        string where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        bool wrongType = e.Message.Contains("could not be converted", StringComparison.Ordinal);
        string? path = e.Path is { Length: > 2 } p && p.StartsWith("$.") ? p[2..] : null;
        if (!wrongType) return $"the body is not valid JSON{where}: send {{\"texts\": [\"...\"]}}";
        return path switch
        {
            null => $"the body must be a JSON object {{\"texts\": [\"...\"]}}{where}",
            "texts" => $"'texts' must be an array of strings{where}",
            _ when path.StartsWith("texts[") => $"{path} must be a string{where}",
            _ => $"{path} has the wrong type{where}: send {{\"texts\": [\"...\"]}}",
        };
    }

    /// <summary>The checks /v1/predict and /v1/explain share: texts present, not empty, not too many, no null, none too long.</summary>
    static IResult? Check(IReadOnlyList<string?>? texts, TaggerServerOptions options)
    {
        if (texts == null)
            return Problems.Create(StatusCodes.Status400BadRequest, "Missing texts", "the body must be {\"texts\": [\"...\"]}: 'texts' is missing");
        if (texts.Count == 0)
            return Problems.Create(StatusCodes.Status400BadRequest, "No texts", "'texts' is empty: send at least one text");
        if (texts.Count > options.MaxTextsPerRequest)
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Too many texts",
                $"at most {options.MaxTextsPerRequest:N0} texts per request, got {texts.Count:N0}");
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] == null)
                return Problems.Create(StatusCodes.Status400BadRequest, "Null text", $"texts[{i}] is null: every text must be a string");
            if (texts[i]!.Length > options.MaxTextLength)
                return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Text too long",
                    $"texts[{i}] has {texts[i]!.Length:N0} characters; at most {options.MaxTextLength:N0} are accepted");
        }
        return null;
    }
}
