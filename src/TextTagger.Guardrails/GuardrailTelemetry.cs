using System.Diagnostics.Metrics;

namespace TextTagger.Guardrails;

/// <summary>
/// The guardrails' metrics, on the meter <c>TextTagger.Guardrails</c> (export them with OpenTelemetry:
/// <c>metrics.AddMeter("TextTagger.Guardrails")</c>): decisions counted by label, action and direction, and the
/// time each scoring took.
/// </summary>
public sealed class GuardrailTelemetry : IDisposable
{
    public const string MeterName = "TextTagger.Guardrails";
    /// <summary>Tag value of <c>action</c> (and <c>label</c> "none") for a text on which no rule fired.</summary>
    public const string Passed = "pass";

    /// <summary>The instance guardrails use when none is given (its meter lives as long as the process).</summary>
    public static GuardrailTelemetry Shared { get; } = new();

    readonly bool _ownsMeter;

    /// <summary>A meter of its own, or one from <paramref name="meterFactory"/> (DI's, which disposes it).</summary>
    public GuardrailTelemetry(IMeterFactory? meterFactory = null)
    {
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _ownsMeter = meterFactory == null;
        Decisions = Meter.CreateCounter<long>("texttagger.guardrails.decisions", "{decision}",
            "Guardrail decisions, by label, action (block, flag, logonly, pass) and direction (input, output)");
        ScoringDuration = Meter.CreateHistogram<double>("texttagger.guardrails.scoring.duration", "ms",
            "Time to score one message or one streamed stretch, by direction");
    }

    public Meter Meter { get; }
    public Counter<long> Decisions { get; }
    public Histogram<double> ScoringDuration { get; }

    internal void Record(GuardrailDecision decision, double milliseconds)
    {
        var direction = new KeyValuePair<string, object?>("direction", Tag(decision.Direction));
        ScoringDuration.Record(milliseconds, direction);
        bool any = false;
        foreach (var (label, action) in decision.Actions)
        {
            any = true;
            Decisions.Add(1, new("label", label), new("action", Tag(action)), direction);
        }
        if (!any) Decisions.Add(1, new("label", "none"), new("action", Passed), direction);
    }

    internal static string Tag(GuardrailDirection direction) => direction == GuardrailDirection.Input ? "input" : "output";
    internal static string Tag(GuardrailAction action) => action.ToString().ToLowerInvariant();

    public void Dispose()
    {
        if (_ownsMeter && this != Shared) Meter.Dispose();
    }
}
