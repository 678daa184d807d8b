namespace TextTagger.NGram.Featurizing;

/// <summary>
/// NB-SVM's feature scaling (Wang and Manning 2012, as in the strong Jigsaw linear baselines): for one label,
/// r = ln((p / ‖p‖₁) / (q / ‖q‖₁)) with p = α + the sum of the positive rows' features and q = α + the negatives' —
/// with <c>presence</c>, each feature counted 1 where a row has it (Wang and Manning's binarized counts), else its
/// TF-IDF value summed.
/// The logistic regression then sees x ∘ r; since w · (x ∘ r) = (w ∘ r) · x, the saved weights are w ∘ r and scoring
/// needs no ratios.
/// </summary>
public static class NaiveBayesRatios
{
    public static float[] Compute(IReadOnlyList<SparseRow> rows, IReadOnlyList<bool> positive, int featureCount, bool presence, double alpha = 1.0)
    {
        var p = new double[featureCount];
        var q = new double[featureCount];
        Array.Fill(p, alpha);
        Array.Fill(q, alpha);
        for (int i = 0; i < rows.Count; i++)
        {
            var sums = positive[i] ? p : q;
            var row = rows[i];
            for (int j = 0; j < row.Indices.Length; j++) sums[row.Indices[j]] += presence ? 1 : row.Values[j];
        }
        double pTotal = p.Sum(), qTotal = q.Sum();
        var r = new float[featureCount];
        for (int f = 0; f < featureCount; f++) r[f] = (float)Math.Log(p[f] / pTotal / (q[f] / qTotal));
        return r;
    }

    /// <summary>x ∘ r.</summary>
    public static SparseRow Scale(SparseRow row, float[] r)
    {
        var values = new float[row.Values.Length];
        for (int j = 0; j < values.Length; j++) values[j] = row.Values[j] * r[row.Indices[j]];
        return new SparseRow(row.Indices, values);
    }
}
