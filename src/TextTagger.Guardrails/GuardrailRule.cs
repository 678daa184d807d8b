namespace TextTagger.Guardrails;

/// <summary>What to do about one label in one direction (configuration: <c>"insult": { "Action": "Block",
/// "Threshold": 0.8 }</c>).</summary>
public sealed class GuardrailRule
{
    public GuardrailAction Action { get; set; } = GuardrailAction.Block;
    /// <summary>The probability from which the action applies; null: the model's own (tuned) threshold for the label.</summary>
    public double? Threshold { get; set; }
}
