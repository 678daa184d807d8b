using TextTagger.Inference;

namespace TextTagger.Tests.Guardrails;

/// <summary>Texts in the synthetic comments' words (<see cref="NGram.SyntheticComments"/>: "ugly" is an insult,
/// "angry" a threat), and the checks that the trained model reads them so: without them a guardrail test could pass
/// on a model that flags everything or nothing.</summary>
static class GuardrailTexts
{
    public const string Clean = "good nice kind calm happy";
    public const string Insult = "you are ugly ugly w3";
    public const string Threat = "angry angry w5 w7";

    public static double Score(ITagger tagger, string text, string label) => tagger.Predict(text)[label];

    public static double OwnThreshold(ITagger tagger, string label) => tagger.Thresholds[tagger.Labels.ToList().IndexOf(label)];

    /// <summary>The model tags <paramref name="text"/> with <paramref name="label"/> at its own threshold.</summary>
    public static void AssertTagged(ITagger tagger, string text, string label) =>
        Assert.True(Score(tagger, text, label) >= OwnThreshold(tagger, label),
                    $"'{text}': {label} {Score(tagger, text, label):F3} < its threshold {OwnThreshold(tagger, label):F3}");

    public static void AssertNotTagged(ITagger tagger, string text, string label) =>
        Assert.True(Score(tagger, text, label) < OwnThreshold(tagger, label),
                    $"'{text}': {label} {Score(tagger, text, label):F3} ≥ its threshold {OwnThreshold(tagger, label):F3}");
}
