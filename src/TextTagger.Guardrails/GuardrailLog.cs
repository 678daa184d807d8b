using Microsoft.Extensions.Logging;

namespace TextTagger.Guardrails;

/// <summary>One log event per decision (source-generated: nothing is formatted when the level is off).</summary>
static partial class GuardrailLog
{
    [LoggerMessage(EventId = 2801, EventName = "GuardrailBlocked", Level = LogLevel.Warning,
                   Message = "Guardrail blocked the {Direction}: {Labels} (scores {Scores}) in {Milliseconds:F1} ms")]
    public static partial void Blocked(ILogger logger, GuardrailDirection direction, string labels, string scores, double milliseconds);

    [LoggerMessage(EventId = 2802, EventName = "GuardrailFlagged", Level = LogLevel.Information,
                   Message = "Guardrail flagged the {Direction}: {Labels} (scores {Scores}) in {Milliseconds:F1} ms")]
    public static partial void Flagged(ILogger logger, GuardrailDirection direction, string labels, string scores, double milliseconds);

    [LoggerMessage(EventId = 2803, EventName = "GuardrailLogged", Level = LogLevel.Information,
                   Message = "Guardrail noted in the {Direction}: {Labels} (scores {Scores}) in {Milliseconds:F1} ms")]
    public static partial void Logged(ILogger logger, GuardrailDirection direction, string labels, string scores, double milliseconds);

    [LoggerMessage(EventId = 2804, EventName = "GuardrailPassed", Level = LogLevel.Debug,
                   Message = "Guardrail passed the {Direction} (scores {Scores}) in {Milliseconds:F1} ms")]
    public static partial void Passed(ILogger logger, GuardrailDirection direction, string scores, double milliseconds);

    [LoggerMessage(EventId = 2805, EventName = "GuardrailStreamCut", Level = LogLevel.Warning,
                   Message = "Guardrail cut the streamed answer after {Characters} characters; {Exposed} characters of the blocked stretch had been streamed")]
    public static partial void StreamCut(ILogger logger, int characters, int exposed);

    public static void Decision(ILogger logger, GuardrailDecision decision, double milliseconds)
    {
        if (!logger.IsEnabled(LogLevel.Debug) && !decision.Actions.Any()) return;
        string scores = string.Join(", ", decision.Scores.Select(s => $"{s.Key} {s.Value.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}"));
        if (decision.Blocked.Count > 0) Blocked(logger, decision.Direction, string.Join(",", decision.Blocked), scores, milliseconds);
        if (decision.Flagged.Count > 0) Flagged(logger, decision.Direction, string.Join(",", decision.Flagged), scores, milliseconds);
        if (decision.Logged.Count > 0) Logged(logger, decision.Direction, string.Join(",", decision.Logged), scores, milliseconds);
        if (!decision.Actions.Any()) Passed(logger, decision.Direction, scores, milliseconds);
    }
}
