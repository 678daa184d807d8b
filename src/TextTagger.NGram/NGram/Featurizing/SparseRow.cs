namespace TextTagger.NGram.Featurizing;

/// <summary>One text's features: the indices of its non-zero features in ascending order, and their values.</summary>
public readonly record struct SparseRow(int[] Indices, float[] Values)
{
    public static readonly SparseRow Empty = new([], []);

    /// <summary>weights · this row.</summary>
    public double Dot(float[] weights)
    {
        double sum = 0;
        for (int j = 0; j < Indices.Length; j++) sum += weights[Indices[j]] * Values[j];
        return sum;
    }
}
