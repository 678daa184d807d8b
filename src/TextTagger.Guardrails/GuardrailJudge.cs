using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TextTagger.Inference;

namespace TextTagger.Guardrails;

/// <summary>Scores texts with the tagger and applies the policy: the decision, its log event and its metrics. The
/// thresholds are resolved once (the rule's, else the model's own).</summary>
sealed class GuardrailJudge
{
    readonly record struct LabelRule(string Label, int Index, GuardrailAction Action, double Threshold);

    readonly ITagger _tagger;
    readonly ILogger _logger;
    readonly GuardrailTelemetry _telemetry;
    readonly LabelRule[] _input, _output;

    public GuardrailJudge(ITagger tagger, GuardrailPolicy policy, ILogger logger, GuardrailTelemetry telemetry)
    {
        _tagger = tagger;
        _logger = logger;
        _telemetry = telemetry;
        _input = Resolve(GuardrailDirection.Input);
        _output = Resolve(GuardrailDirection.Output);

        LabelRule[] Resolve(GuardrailDirection direction) =>
            [.. policy.RulesFor(direction).Select(r =>
            {
                int index = ModelFiles.LabelLookup.IndexOf(tagger.Labels, r.Key);
                return new LabelRule(r.Key, index, r.Value.Action, r.Value.Threshold ?? tagger.Thresholds[index]);
            })];
    }

    /// <summary>Scores <paramref name="texts"/> (one turn's messages, or one answer) and decides on the highest
    /// probability per label among them.</summary>
    public async Task<GuardrailDecision> JudgeAsync(GuardrailDirection direction, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long started = Stopwatch.GetTimestamp();
        var predictions = await _tagger.PredictAsync(texts, cancellationToken).ConfigureAwait(false);
        double milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var decision = Decide(direction, predictions);
        _telemetry.Record(decision, milliseconds);
        GuardrailLog.Decision(_logger, decision, milliseconds);
        return decision;
    }

    GuardrailDecision Decide(GuardrailDirection direction, IReadOnlyList<Prediction> predictions)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int l = 0; l < _tagger.Labels.Count; l++)
            scores[_tagger.Labels[l]] = predictions.Count == 0 ? 0 : predictions.Max(p => p.Probabilities[l]);
        List<string> blocked = [], flagged = [], logged = [];
        foreach (var rule in direction == GuardrailDirection.Input ? _input : _output)
        {
            if (scores[rule.Label] < rule.Threshold) continue;
            (rule.Action switch { GuardrailAction.Block => blocked, GuardrailAction.Flag => flagged, _ => logged }).Add(rule.Label);
        }
        return new GuardrailDecision(direction, scores, blocked, flagged, logged);
    }
}
