using TextTagger.Data;
using TextTagger.Inference;

namespace TextTagger.Evaluation;

/// <summary>How <see cref="ModelEvaluation"/> scores a data set and which thresholds it reports.</summary>
public sealed record ModelEvaluationOptions
{
    public const int DefaultChunkRows = 2048;

    /// <summary>Rows tokenized and scored at a time: memory for texts' ids stays bounded by one chunk.</summary>
    public int ChunkRows { get; init; } = DefaultChunkRows;

    /// <summary>One threshold for every label in the "tuned" section instead of the tagger's thresholds.</summary>
    public double? Threshold { get; init; }

    /// <summary>When the thresholds in use are all 0.5 (the model stored none), report the thresholds
    /// <see cref="F1ThresholdTuner"/> picks on the evaluated data itself, marked
    /// <see cref="TunedThresholdsSource.TunedOnThisData"/> (optimistic). When false, the report has no tuned section then.</summary>
    public bool TuneOnDataWhenUntuned { get; init; } = true;
}

/// <summary>
/// Evaluates a <see cref="Tagger"/> on a labelled data set: scores the texts chunk by chunk into an
/// <see cref="EvaluationAccumulator"/> (only the scores are kept, so memory stays bounded), lines the data's label
/// columns up with the model's labels by name, and computes an <see cref="EvaluationReport"/> at 0.5 and at the
/// model's tuned thresholds.
/// </summary>
public static class ModelEvaluation
{
    /// <param name="rowsDone">Progress: called often (after every batch) with the rows scored so far.</param>
    public static EvaluationReport Evaluate(Tagger tagger, LabeledDataset data, Action<int>? rowsDone = null,
                                            ModelEvaluationOptions? options = null)
    {
        options ??= new ModelEvaluationOptions();
        var scores = Score(tagger, data, rowsDone, options.ChunkRows);
        if (options.Threshold is { } uniform)
        {
            LabelThresholds.Validate(uniform);
            return Report(scores, LabelThresholds.Uniform(scores.LabelCount, uniform), TunedThresholdsSource.Given,
                options.TuneOnDataWhenUntuned);
        }
        return Report(scores, tagger.Thresholds, TunedThresholdsSource.Model, options.TuneOnDataWhenUntuned);
    }

    /// <summary>
    /// The report of scores with "tuned" thresholds from <paramref name="source"/>. When those thresholds are all
    /// <see cref="LabelThresholds.Default"/> they add nothing to the 0.5 section: with
    /// <paramref name="tuneOnDataWhenUntuned"/> the tuned section then holds the thresholds tuned on these scores
    /// (<see cref="TunedThresholdsSource.TunedOnThisData"/>), otherwise there is no tuned section.
    /// </summary>
    public static EvaluationReport Report(LabelledScores scores, IReadOnlyList<double> thresholds,
                                          TunedThresholdsSource source, bool tuneOnDataWhenUntuned = true)
    {
        if (thresholds.Count != scores.LabelCount)
            throw new TextTaggerException($"Got {thresholds.Count} thresholds for {scores.LabelCount} labels.");
        if (thresholds.All(t => t == LabelThresholds.Default))
        {
            if (!tuneOnDataWhenUntuned) return MultiLabelMetrics.Compute(scores);
            return MultiLabelMetrics.Compute(scores, F1ThresholdTuner.TuneThresholds(scores))
                with { TunedThresholdsSource = TunedThresholdsSource.TunedOnThisData };
        }
        return MultiLabelMetrics.Compute(scores, thresholds) with { TunedThresholdsSource = source };
    }

    /// <summary>
    /// Scores every row of <paramref name="data"/> with <paramref name="tagger"/>, <paramref name="chunkRows"/> rows
    /// at a time; columns in the model's label order, truth taken from the data's columns of the same names.
    /// </summary>
    public static LabelledScores Score(Tagger tagger, LabeledDataset data, Action<int>? rowsDone = null,
                                       int chunkRows = ModelEvaluationOptions.DefaultChunkRows)
    {
        ArgumentNullException.ThrowIfNull(tagger);
        ArgumentNullException.ThrowIfNull(data);
        if (chunkRows < 1) throw new TextTaggerException($"chunk size must be ≥ 1, got {chunkRows}");
        int[] dataColumn = MatchLabels(tagger.Labels, data.LabelNames, data.Source);
        if (data.Count == 0) throw new TextTaggerException($"{data.Source}: no rows to evaluate.");

        int labels = dataColumn.Length;
        var accumulator = new EvaluationAccumulator(tagger.Labels, data.Count);
        for (int start = 0; start < data.Count; start += chunkRows)
        {
            int count = Math.Min(chunkRows, data.Count - start);
            var texts = new string[count];
            var truth = new bool[count, labels];
            for (int i = 0; i < count; i++)
            {
                var row = data.Rows[start + i];
                texts[i] = row.Text;
                for (int j = 0; j < labels; j++) truth[i, j] = row.Labels[dataColumn[j]] != 0;
            }
            int before = start;
            var probabilities = tagger.PredictProbabilities(texts, rowsDone is null ? null : done => rowsDone(before + done));
            accumulator.Add(probabilities, truth);
        }
        return accumulator.ToLabelledScores();
    }

    /// <summary>
    /// For each model label, the index of the data's column with the same name (ordinal comparison): the data may
    /// list the labels in another order, but must have exactly the model's labels.
    /// </summary>
    public static int[] MatchLabels(IReadOnlyList<string> modelLabels, IReadOnlyList<string> dataLabels, string dataSource = "the data")
    {
        var missing = modelLabels.Where(l => !dataLabels.Contains(l, StringComparer.Ordinal)).ToArray();
        var extra = dataLabels.Where(l => !modelLabels.Contains(l, StringComparer.Ordinal)).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
        {
            var problems = new List<string>();
            if (missing.Length > 0) problems.Add($"missing from the data: {string.Join(", ", missing)}");
            if (extra.Length > 0) problems.Add($"not labels of the model: {string.Join(", ", extra)}");
            throw new TextTaggerException(
                $"{dataSource}: the label columns do not match the model's labels ({string.Join("; ", problems)}). " +
                $"The model's labels are {string.Join(", ", modelLabels)}; pick the label columns with --labels.");
        }
        if (dataLabels.Count != modelLabels.Count)
            throw new TextTaggerException($"{dataSource}: a label column appears twice ({string.Join(", ", dataLabels)}).");
        return modelLabels.Select(l => dataLabels.IndexOf(l)).ToArray();
    }

    static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++)
            if (string.Equals(list[i], value, StringComparison.Ordinal)) return i;
        return -1;
    }
}
