namespace TextTagger.Evaluation;

/// <summary>
/// Collects scores and true labels batch by batch (e.g. while predicting over a large file), storing them once,
/// column by column, in growing buffers. <see cref="ToLabelledScores"/> hands out a view of those buffers without
/// copying; adding more rows afterwards does not change a view already handed out.
/// </summary>
public sealed class EvaluationAccumulator
{
    private readonly string[] _labelNames;
    private readonly double[][] _scores;
    private readonly bool[][] _truth;

    public EvaluationAccumulator(IReadOnlyList<string> labelNames, int initialCapacity = 1024)
    {
        if (labelNames.Count == 0) throw new TextTaggerException("Evaluation needs at least one label.");
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _labelNames = labelNames.ToArray();
        int capacity = Math.Max(initialCapacity, 1);
        _scores = _labelNames.Select(_ => new double[capacity]).ToArray();
        _truth = _labelNames.Select(_ => new bool[capacity]).ToArray();
    }

    public IReadOnlyList<string> LabelNames => _labelNames;
    public int RowCount { get; private set; }
    public int LabelCount => _labelNames.Length;

    /// <summary>Adds one row: a score and a 0/1 truth per label.</summary>
    public void AddRow(ReadOnlySpan<double> scores, ReadOnlySpan<bool> truth)
    {
        CheckWidth(scores.Length, truth.Length);
        EnsureCapacity(RowCount + 1);
        for (int j = 0; j < LabelCount; j++)
        {
            _scores[j][RowCount] = scores[j];
            _truth[j][RowCount] = truth[j];
        }
        RowCount++;
    }

    /// <summary>Adds a batch: scores [rows, labels] and 0/1 truth [rows, labels].</summary>
    public void Add(double[,] scores, int[,] truth) =>
        AddBatch(scores.GetLength(0), scores.GetLength(1), truth.GetLength(0), truth.GetLength(1),
            (i, j) => scores[i, j], (i, j) => LabelColumns.ToBool(truth[i, j], RowCount + i, j));

    public void Add(float[,] scores, int[,] truth) =>
        AddBatch(scores.GetLength(0), scores.GetLength(1), truth.GetLength(0), truth.GetLength(1),
            (i, j) => scores[i, j], (i, j) => LabelColumns.ToBool(truth[i, j], RowCount + i, j));

    public void Add(double[,] scores, bool[,] truth) =>
        AddBatch(scores.GetLength(0), scores.GetLength(1), truth.GetLength(0), truth.GetLength(1),
            (i, j) => scores[i, j], (i, j) => truth[i, j]);

    /// <summary>The rows collected so far, as a view over this accumulator's buffers (no copy).</summary>
    public LabelledScores ToLabelledScores()
    {
        var scores = new ReadOnlyMemory<double>[LabelCount];
        var truth = new ReadOnlyMemory<bool>[LabelCount];
        for (int j = 0; j < LabelCount; j++)
        {
            scores[j] = new ReadOnlyMemory<double>(_scores[j], 0, RowCount);
            truth[j] = new ReadOnlyMemory<bool>(_truth[j], 0, RowCount);
        }
        return new LabelledScores(scores, new LabelColumns(truth, RowCount), _labelNames);
    }

    private void AddBatch(int rows, int labels, int truthRows, int truthLabels, Func<int, int, double> score,
        Func<int, int, bool> isPositive)
    {
        if (rows != truthRows)
            throw new TextTaggerException($"The batch has {rows} rows of scores but {truthRows} rows of truth.");
        CheckWidth(labels, truthLabels);
        EnsureCapacity(RowCount + rows);
        // Validate the truth first so a bad batch adds nothing.
        var batchTruth = new bool[rows, labels];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < labels; j++)
                batchTruth[i, j] = isPositive(i, j);
        for (int j = 0; j < labels; j++)
            for (int i = 0; i < rows; i++)
            {
                _scores[j][RowCount + i] = score(i, j);
                _truth[j][RowCount + i] = batchTruth[i, j];
            }
        RowCount += rows;
    }

    private void CheckWidth(int scoreLabels, int truthLabels)
    {
        if (scoreLabels != LabelCount || truthLabels != LabelCount)
            throw new TextTaggerException(
                $"Expected {LabelCount} labels per row; got {scoreLabels} scores and {truthLabels} truth values.");
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _scores[0].Length) return;
        int capacity = Math.Max(rows, (int)Math.Min(Array.MaxLength, 2L * _scores[0].Length));
        for (int j = 0; j < LabelCount; j++)
        {
            Array.Resize(ref _scores[j], capacity);
            Array.Resize(ref _truth[j], capacity);
        }
    }
}
