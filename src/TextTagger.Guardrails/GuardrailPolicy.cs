namespace TextTagger.Guardrails;

/// <summary>
/// What the chat client does about each label, in each direction. Labels without a rule are scored (their
/// probabilities are reported) but never acted on. Bind it from configuration:
/// <code>
/// "Guardrails": {
///   "Input":  { "threat": { "Action": "Block" }, "insult": { "Action": "Flag", "Threshold": 0.7 } },
///   "Output": { "toxic":  { "Action": "Block" } },
///   "Refusal": "I can't help with that.",
///   "StreamingBoundary": "Sentence"
/// }
/// </code>
/// </summary>
public sealed class GuardrailPolicy
{
    /// <summary>Rules for the user's messages, by label.</summary>
    public Dictionary<string, GuardrailRule> Input { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Rules for the model's answer, by label.</summary>
    public Dictionary<string, GuardrailRule> Output { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The answer given instead of a blocked exchange; null: throw <see cref="GuardrailBlockedException"/>.</summary>
    public string? Refusal { get; set; }
    /// <summary>When a streamed answer is scored while it grows.</summary>
    public StreamingBoundary StreamingBoundary { get; set; } = StreamingBoundary.Sentence;
    /// <summary>Text updates between scorings with <see cref="StreamingBoundary.Tokens"/>.</summary>
    public int StreamingTokens { get; set; } = 16;
    /// <summary>Keep a streamed stretch from the user until it is scored clean (nothing of a blocked stretch is seen,
    /// at the price of sentence-by-sentence delivery). Off: every update passes at once and a cut comes at the
    /// boundary after the offending text; how much of it was seen is reported.</summary>
    public bool StreamingHoldBack { get; set; }

    /// <summary>The rules of one direction.</summary>
    public Dictionary<string, GuardrailRule> RulesFor(GuardrailDirection direction) =>
        direction == GuardrailDirection.Input ? Input : Output;

    /// <summary>Blocks <paramref name="label"/> in <paramref name="direction"/> from <paramref name="threshold"/>
    /// (null: the model's threshold).</summary>
    public GuardrailPolicy Block(GuardrailDirection direction, string label, double? threshold = null) =>
        With(direction, label, GuardrailAction.Block, threshold);

    /// <summary>Flags <paramref name="label"/> in <paramref name="direction"/>.</summary>
    public GuardrailPolicy Flag(GuardrailDirection direction, string label, double? threshold = null) =>
        With(direction, label, GuardrailAction.Flag, threshold);

    /// <summary>Only logs and counts <paramref name="label"/> in <paramref name="direction"/>.</summary>
    public GuardrailPolicy LogOnly(GuardrailDirection direction, string label, double? threshold = null) =>
        With(direction, label, GuardrailAction.LogOnly, threshold);

    GuardrailPolicy With(GuardrailDirection direction, string label, GuardrailAction action, double? threshold)
    {
        RulesFor(direction)[label] = new GuardrailRule { Action = action, Threshold = threshold };
        return this;
    }

    /// <summary>What is wrong with this policy for a model with <paramref name="labels"/>, one line each, naming the
    /// configuration key under <paramref name="section"/> (e.g. <c>Guardrails:Input:insultt</c>); empty when nothing is.</summary>
    public IReadOnlyList<InvalidOptionException> Problems(IReadOnlyList<string> labels, string section = "")
    {
        string prefix = section.Length == 0 ? "" : section + ":";
        var problems = new List<InvalidOptionException>();
        foreach (var direction in Enum.GetValues<GuardrailDirection>())
        {
            foreach (var (label, rule) in RulesFor(direction))
            {
                string key = $"{prefix}{direction}:{label}";
                if (rule == null)
                    problems.Add(new InvalidOptionException(key, "has no rule: give { \"Action\": \"Block\" | \"Flag\" | \"LogOnly\" }"));
                else if (ModelFiles.LabelLookup.TryIndexOf(labels, label) < 0)
                    problems.Add(new InvalidOptionException(key, $"names no label of the model (its labels: {string.Join(", ", labels)})"));
                else if (!Enum.IsDefined(rule.Action))
                    problems.Add(new InvalidOptionException(key + ":Action", $"must be Block, Flag or LogOnly, got {rule.Action}"));
                else if (rule.Threshold is { } t && !(t is >= 0 and <= 1))
                    problems.Add(new InvalidOptionException(key + ":Threshold", $"must be between 0 and 1, got {t}"));
            }
        }
        if (StreamingTokens < 1)
            problems.Add(new InvalidOptionException(prefix + nameof(StreamingTokens), $"must be ≥ 1, got {StreamingTokens}"));
        if (!Enum.IsDefined(StreamingBoundary))
            problems.Add(new InvalidOptionException(prefix + nameof(StreamingBoundary), $"must be Sentence or Tokens, got {StreamingBoundary}"));
        return problems;
    }

    /// <summary>Throws the first of <see cref="Problems"/>.</summary>
    public void Validate(IReadOnlyList<string> labels, string section = "")
    {
        var problems = Problems(labels, section);
        if (problems.Count > 0) throw problems[0];
    }
}
