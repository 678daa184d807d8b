using System.Diagnostics.Metrics;
using TextTagger.Guardrails;

namespace TextTagger.Tests.Guardrails;

/// <summary>Listens to one <see cref="GuardrailTelemetry"/>'s meter (not the process-wide one other tests share) and
/// keeps the decisions counted (label/action/direction) and the scoring durations recorded.</summary>
sealed class DecisionRecorder : IDisposable
{
    readonly MeterListener _listener = new();

    public DecisionRecorder(GuardrailTelemetry telemetry)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == telemetry.Meter) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => (string)x.Value!);
            lock (Measurements) Measurements.Add((t["label"], t["action"], t["direction"], value));
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            lock (Durations) Durations.Add(((string)tags.ToArray().Single(x => x.Key == "direction").Value!, value));
        });
        _listener.Start();
    }

    public List<(string Label, string Action, string Direction, long Count)> Measurements { get; } = [];
    public List<(string Direction, double Milliseconds)> Durations { get; } = [];

    public void Dispose() => _listener.Dispose();
}
