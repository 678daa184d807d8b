using Microsoft.Extensions.AI;

namespace TextTagger.Guardrails;

/// <summary>
/// The keys under which decisions travel in <c>AdditionalProperties</c> of responses, messages and streamed updates:
/// <c>texttagger.input.scores</c> (label → probability), <c>texttagger.input.tags</c> (the flagged labels),
/// <c>texttagger.input.blocked</c> (the blocking labels, on a refusal), and the same for <c>output</c>; a refusal
/// after a streamed cut carries <c>texttagger.output.exposed_characters</c>.
/// </summary>
public static class GuardrailProperties
{
    public static string Scores(GuardrailDirection direction) => $"texttagger.{GuardrailTelemetry.Tag(direction)}.scores";
    public static string Tags(GuardrailDirection direction) => $"texttagger.{GuardrailTelemetry.Tag(direction)}.tags";
    public static string Blocked(GuardrailDirection direction) => $"texttagger.{GuardrailTelemetry.Tag(direction)}.blocked";
    public const string ExposedCharacters = "texttagger.output.exposed_characters";

    /// <summary>The scores and flagged labels of <paramref name="decision"/>, when it flagged any.</summary>
    internal static void AddFlags(GuardrailDecision? decision, Func<AdditionalPropertiesDictionary> properties)
    {
        if (decision == null || decision.Flagged.Count == 0) return;
        var target = properties();
        target[Scores(decision.Direction)] = decision.Scores;
        target[Tags(decision.Direction)] = decision.Flagged.ToArray();
    }

    /// <summary>The scores and blocking labels of <paramref name="decision"/>.</summary>
    internal static AdditionalPropertiesDictionary ForRefusal(GuardrailDecision decision) => new()
    {
        [Scores(decision.Direction)] = decision.Scores,
        [Blocked(decision.Direction)] = decision.Blocked.ToArray(),
    };
}
