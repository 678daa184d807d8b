namespace TextTagger.Evaluation;

/// <summary>
/// A 0/1 label matrix (true labels or predictions) stored column by column: one <c>bool</c> per row for each label.
/// Column storage is what the per-label metrics read; build it from a row-major matrix or from per-label arrays.
/// </summary>
public sealed class LabelColumns
{
    private readonly ReadOnlyMemory<bool>[] _columns;

    internal LabelColumns(ReadOnlyMemory<bool>[] columns, int rowCount)
    {
        if (columns.Length == 0) throw new TextTaggerException("Evaluation needs at least one label.");
        foreach (var column in columns)
            if (column.Length != rowCount)
                throw new TextTaggerException($"Every label column must have {rowCount} rows; one has {column.Length}.");
        _columns = columns;
        RowCount = rowCount;
    }

    public int RowCount { get; }
    public int LabelCount => _columns.Length;

    /// <summary>The 0/1 values of one label, one per row (true = 1).</summary>
    public ReadOnlySpan<bool> Column(int label) => _columns[label].Span;

    public static LabelColumns FromMatrix(bool[,] matrix)
    {
        int rows = matrix.GetLength(0), labels = matrix.GetLength(1);
        var columns = new ReadOnlyMemory<bool>[labels];
        for (int j = 0; j < labels; j++)
        {
            var column = new bool[rows];
            for (int i = 0; i < rows; i++) column[i] = matrix[i, j];
            columns[j] = column;
        }
        return new LabelColumns(columns, rows);
    }

    /// <summary>From a row-major 0/1 matrix [rows, labels]; any other value is an error.</summary>
    public static LabelColumns FromMatrix(int[,] matrix)
    {
        int rows = matrix.GetLength(0), labels = matrix.GetLength(1);
        var columns = new ReadOnlyMemory<bool>[labels];
        for (int j = 0; j < labels; j++)
        {
            var column = new bool[rows];
            for (int i = 0; i < rows; i++) column[i] = ToBool(matrix[i, j], i, j);
            columns[j] = column;
        }
        return new LabelColumns(columns, rows);
    }

    /// <summary>From one array per label (used as is, not copied).</summary>
    public static LabelColumns FromColumns(IReadOnlyList<bool[]> columns) =>
        new(columns.Select(c => (ReadOnlyMemory<bool>)c).ToArray(), columns.Count == 0 ? 0 : columns[0].Length);

    /// <summary>From one 0/1 array per label; any other value is an error.</summary>
    public static LabelColumns FromColumns(IReadOnlyList<int[]> columns) =>
        FromColumns(columns.Select((c, j) => c.Select((v, i) => ToBool(v, i, j)).ToArray()).ToArray());

    /// <summary>The row-major 0/1 matrix [rows, labels].</summary>
    public int[,] ToMatrix()
    {
        var matrix = new int[RowCount, LabelCount];
        for (int j = 0; j < LabelCount; j++)
        {
            var column = Column(j);
            for (int i = 0; i < RowCount; i++) matrix[i, j] = column[i] ? 1 : 0;
        }
        return matrix;
    }

    internal static bool ToBool(int value, int row, int label) => value switch
    {
        0 => false,
        1 => true,
        _ => throw new TextTaggerException($"Labels must be 0 or 1; row {row}, label {label} is {value}."),
    };
}
