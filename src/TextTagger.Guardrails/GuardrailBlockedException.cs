namespace TextTagger.Guardrails;

/// <summary>
/// A message or an answer the policy blocks (thrown when the policy has no refusal text). Input: the model was not
/// called. Output: the answer was not returned, or the stream was cut; <see cref="ExposedCharacters"/> says how much
/// of the offending stretch the caller had already received.
/// </summary>
public sealed class GuardrailBlockedException : TextTaggerException
{
    public GuardrailBlockedException(GuardrailDecision decision, int exposedCharacters = 0)
        : base(Describe(decision, exposedCharacters))
    {
        Decision = decision;
        ExposedCharacters = exposedCharacters;
    }

    public GuardrailDecision Decision { get; }
    public GuardrailDirection Direction => Decision.Direction;
    /// <summary>The labels that blocked it.</summary>
    public IReadOnlyList<string> Labels => Decision.Blocked;
    /// <summary>Every label's probability.</summary>
    public IReadOnlyDictionary<string, double> Scores => Decision.Scores;
    /// <summary>Streaming only: characters of the blocked stretch (the text since the last clean scoring) that had
    /// already been handed to the caller when the stream was cut.</summary>
    public int ExposedCharacters { get; }

    static string Describe(GuardrailDecision decision, int exposed)
    {
        string what = decision.Direction == GuardrailDirection.Input ? "the message was blocked" : "the answer was blocked";
        string why = string.Join(", ", decision.Blocked.Select(l => $"{l} {decision.Scores[l].ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}"));
        return exposed > 0 ? $"{what} ({why}) after {exposed} characters of it were streamed" : $"{what} ({why})";
    }
}
