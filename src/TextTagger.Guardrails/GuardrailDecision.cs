namespace TextTagger.Guardrails;

/// <summary>What the policy made of one text (or of one turn's messages: the highest probability per label).</summary>
/// <param name="Scores">Every label's probability, in the model's label order.</param>
/// <param name="Blocked">Labels whose Block rule's threshold was reached.</param>
/// <param name="Flagged">Labels whose Flag rule's threshold was reached.</param>
/// <param name="Logged">Labels whose LogOnly rule's threshold was reached.</param>
public sealed record GuardrailDecision(GuardrailDirection Direction, IReadOnlyDictionary<string, double> Scores,
                                       IReadOnlyList<string> Blocked, IReadOnlyList<string> Flagged, IReadOnlyList<string> Logged)
{
    public bool IsBlocked => Blocked.Count > 0;

    /// <summary>The labels acted on, each with its action.</summary>
    public IEnumerable<(string Label, GuardrailAction Action)> Actions =>
        Blocked.Select(l => (l, GuardrailAction.Block))
               .Concat(Flagged.Select(l => (l, GuardrailAction.Flag)))
               .Concat(Logged.Select(l => (l, GuardrailAction.LogOnly)));
}
