namespace TextTagger.Evaluation;

/// <summary>
/// What evaluation reads: for each label, the model's scores (probabilities) and the true 0/1 labels of every row,
/// plus the label names. Stored column by column; the arrays given to <see cref="FromColumns(IReadOnlyList{double[]}, IReadOnlyList{bool[]}, IReadOnlyList{string})"/>
/// and the buffers of an <see cref="EvaluationAccumulator"/> are used without copying.
/// </summary>
public sealed class LabelledScores
{
    private readonly ReadOnlyMemory<double>[] _scores;

    internal LabelledScores(ReadOnlyMemory<double>[] scores, LabelColumns truth, IReadOnlyList<string> labelNames)
    {
        if (labelNames.Count != truth.LabelCount || scores.Length != truth.LabelCount)
            throw new TextTaggerException(
                $"Got {labelNames.Count} label names, {scores.Length} score columns and {truth.LabelCount} truth columns; they must match.");
        if (labelNames.Distinct(StringComparer.Ordinal).Count() != labelNames.Count)
            throw new TextTaggerException("Label names must be unique: " + string.Join(", ", labelNames));
        if (truth.RowCount == 0) throw new TextTaggerException("Evaluation needs at least one row.");
        for (int j = 0; j < scores.Length; j++)
        {
            if (scores[j].Length != truth.RowCount)
                throw new TextTaggerException(
                    $"Label '{labelNames[j]}' has {scores[j].Length} scores but {truth.RowCount} true labels.");
            var span = scores[j].Span;
            for (int i = 0; i < span.Length; i++)
                if (!double.IsFinite(span[i]))
                    throw new TextTaggerException($"Score of row {i}, label '{labelNames[j]}' is {span[i]}; scores must be finite.");
        }
        _scores = scores;
        Truth = truth;
        LabelNames = labelNames.ToArray();
    }

    public IReadOnlyList<string> LabelNames { get; }
    public LabelColumns Truth { get; }
    public int RowCount => Truth.RowCount;
    public int LabelCount => Truth.LabelCount;

    /// <summary>The scores of one label, one per row.</summary>
    public ReadOnlySpan<double> Scores(int label) => _scores[label].Span;

    /// <summary>From row-major matrices: scores [rows, labels], truth 0/1 [rows, labels].</summary>
    public static LabelledScores FromMatrix(double[,] scores, int[,] truth, IReadOnlyList<string> labelNames) =>
        new(ScoreColumns(scores), LabelColumns.FromMatrix(truth), labelNames);

    public static LabelledScores FromMatrix(double[,] scores, bool[,] truth, IReadOnlyList<string> labelNames) =>
        new(ScoreColumns(scores), LabelColumns.FromMatrix(truth), labelNames);

    /// <summary>From one score array and one truth array per label (used as is, not copied).</summary>
    public static LabelledScores FromColumns(IReadOnlyList<double[]> scores, IReadOnlyList<bool[]> truth,
        IReadOnlyList<string> labelNames) =>
        new(scores.Select(s => (ReadOnlyMemory<double>)s).ToArray(), LabelColumns.FromColumns(truth), labelNames);

    public static LabelledScores FromColumns(IReadOnlyList<double[]> scores, IReadOnlyList<int[]> truth,
        IReadOnlyList<string> labelNames) =>
        new(scores.Select(s => (ReadOnlyMemory<double>)s).ToArray(), LabelColumns.FromColumns(truth), labelNames);

    private static ReadOnlyMemory<double>[] ScoreColumns(double[,] scores)
    {
        int rows = scores.GetLength(0), labels = scores.GetLength(1);
        var columns = new ReadOnlyMemory<double>[labels];
        for (int j = 0; j < labels; j++)
        {
            var column = new double[rows];
            for (int i = 0; i < rows; i++) column[i] = scores[i, j];
            columns[j] = column;
        }
        return columns;
    }
}
