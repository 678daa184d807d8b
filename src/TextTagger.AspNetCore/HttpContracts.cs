using TextTagger.Inference;

namespace TextTagger.Server;

// The JSON the service speaks (camelCase on the wire).

/// <summary>POST /v1/predict body: `{"texts": ["…", …]}`.</summary>
public sealed record PredictRequest(IReadOnlyList<string?>? Texts);

/// <summary>POST /v1/predict answer: the model's labels, then one prediction per text in request order.</summary>
public sealed record PredictResponse(IReadOnlyList<string> Labels, IReadOnlyList<TextPrediction> Predictions);

/// <summary>One text's probability per label (keyed by label, in label order) and the labels at or above threshold.</summary>
/// <param name="Truncated">The text was longer than the model's token limit and only its start was read (serve
/// --long-texts window reads it all).</param>
public sealed record TextPrediction(IReadOnlyDictionary<string, double> Probabilities, IReadOnlyList<string> Tags, bool Truncated);

/// <summary>GET /v1/labels answer: the model's labels and thresholds, what runs it, and the request limits a client
/// must keep to. MaxTokens is null for a model that reads whole texts (the n-gram model). Rules holds each label's
/// rule when the thresholds are the model's own and say how they were chosen; null otherwise.</summary>
public sealed record LabelsResponse(IReadOnlyList<string> Labels, IReadOnlyDictionary<string, double> Thresholds, string Model,
                                    string Engine, string Precision, int? MaxTokens, int MaxTextLength, int MaxTextsPerRequest,
                                    int MaxFileTexts, IReadOnlyDictionary<string, LabelRule>? Rules = null)
{
    /// <summary>The rules of a tagger's labels as /v1/labels shows them; null when the tagger has none with a policy.</summary>
    public static IReadOnlyDictionary<string, LabelRule>? RulesOf(ITagger tagger)
    {
        if (tagger.Rules is not { } rules || rules.Labels.All(r => r.Policy == null)) return null;
        var byLabel = new Dictionary<string, LabelRule>();
        for (int l = 0; l < tagger.Labels.Count; l++)
            if (rules.Find(tagger.Labels[l]) is { Policy: { } policy } rule)
                byLabel[rule.Label] = new LabelRule(policy, tagger.Thresholds[l], rule.Precision, rule.Recall, rule.TargetReached);
        return byLabel;
    }
}

/// <summary>How a label's threshold was chosen: its policy ("f1", "precision:0.9", "recall:0.95"), the threshold, and the
/// precision and recall it gave on the tune rows; TargetReached is false when no threshold met the policy there and F1
/// chose it instead.</summary>
public sealed record LabelRule(string Policy, double Threshold, double? TunePrecision, double? TuneRecall, bool TargetReached);

/// <summary>GET /healthz answer.</summary>
public sealed record HealthResponse(string Status, int Labels, bool MicroBatching, int ConcurrentBatches);

/// <summary>POST /v1/explain body: `{"texts": ["…", …], "labels": ["insult"]}` (labels optional: all).</summary>
public sealed record ExplainRequest(IReadOnlyList<string?>? Texts, IReadOnlyList<string>? Labels);

/// <summary>POST /v1/explain answer: the labels explained, then one explanation per text in request order.</summary>
public sealed record ExplainResponse(IReadOnlyList<string> Labels, IReadOnlyList<TextExplanation> Explanations);

/// <summary>One text: its prediction (every label), whether it was cut at the token limit, and each word the model read
/// with its character span (UTF-16 offsets into the text) and score per explained label.</summary>
public sealed record TextExplanation(IReadOnlyDictionary<string, double> Probabilities, IReadOnlyList<string> Tags, bool Truncated,
                                     IReadOnlyList<ExplainedWord> Words);

/// <param name="Alone">Scored left out on its own; false: in a long text, left out with its neighbours and sharing
/// their score (it moved the labels too little to be looked at closer).</param>
public sealed record ExplainedWord(string Text, int Start, int Length, IReadOnlyDictionary<string, double> Scores, bool Alone);
