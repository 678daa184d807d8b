namespace TextTagger.Evaluation;

/// <summary>One bin of a reliability diagram: probabilities in (<paramref name="Lower"/>, <paramref name="Upper"/>]
/// (the first bin also holds 0), how many <paramref name="Rows"/> fell in it, their mean probability and the share that were positive
/// (both null for an empty bin).</summary>
public sealed record CalibrationBin(double Lower, double Upper, int Rows, double? MeanProbability, double? FractionPositive);

/// <summary>How far one label's probabilities are from frequencies.</summary>
/// <param name="Brier">sklearn's <c>brier_score_loss</c>: the mean of (p − y)².</param>
/// <param name="ExpectedCalibrationError">Σ over bins of (rows in the bin / rows) × |fraction positive − mean
/// probability|, on <see cref="CalibrationMetrics.BinCount"/> uniform bins as sklearn's <c>calibration_curve</c>.</param>
public sealed record LabelCalibrationMetrics(string Label, double Brier, double ExpectedCalibrationError, IReadOnlyList<CalibrationBin> Bins);

/// <summary>
/// Whether 0.8 means 80 %: the Brier score and the expected calibration error of each label, with the bins of its
/// reliability diagram. Binned as sklearn's <c>calibration_curve(strategy="uniform", n_bins=10)</c>: the edges are
/// numpy's <c>linspace(0, 1, 11)</c> and a probability goes to the bin its inner edges place it in with numpy's
/// <c>searchsorted</c> (side left), so an edge value such as 0.2 belongs to the bin below it.
/// </summary>
public static class CalibrationMetrics
{
    public const int BinCount = 10;

    /// <summary>numpy's linspace(0, 1, 11): k × 0.1, the last exactly 1.</summary>
    static readonly double[] Edges = Enumerable.Range(0, BinCount + 1).Select(k => k == BinCount ? 1.0 : k * (1.0 / BinCount)).ToArray();

    public static IReadOnlyList<LabelCalibrationMetrics> Compute(LabelledScores data) =>
        Enumerable.Range(0, data.LabelCount).Select(j => Compute(data.LabelNames[j], data.Scores(j), data.Truth.Column(j))).ToArray();

    public static LabelCalibrationMetrics Compute(string label, ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> truth)
    {
        if (probabilities.Length != truth.Length) throw new TextTaggerException($"Got {probabilities.Length} probabilities but {truth.Length} true labels.");
        if (probabilities.Length == 0) throw new TextTaggerException("Calibration needs at least one row.");
        var counts = new int[BinCount];
        var sums = new double[BinCount];
        var positives = new int[BinCount];
        double brier = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double p = probabilities[i];
            if (!(p is >= 0 and <= 1)) throw new TextTaggerException($"'{label}': probability {p} of row {i} is outside [0, 1]");
            int y = truth[i] ? 1 : 0;
            brier += (p - y) * (p - y);
            int bin = Bin(p);
            counts[bin]++;
            sums[bin] += p;
            positives[bin] += y;
        }
        double ece = 0;
        var bins = new CalibrationBin[BinCount];
        for (int b = 0; b < BinCount; b++)
        {
            if (counts[b] == 0)
            {
                bins[b] = new CalibrationBin(Edges[b], Edges[b + 1], 0, null, null);
                continue;
            }
            double mean = sums[b] / counts[b], fraction = (double)positives[b] / counts[b];
            ece += (double)counts[b] / probabilities.Length * Math.Abs(fraction - mean);
            bins[b] = new CalibrationBin(Edges[b], Edges[b + 1], counts[b], mean, fraction);
        }
        return new LabelCalibrationMetrics(label, brier / probabilities.Length, ece, bins);
    }

    /// <summary>The number of inner edges strictly below <paramref name="p"/> (numpy's searchsorted, side left).</summary>
    static int Bin(double p)
    {
        int bin = 0;
        while (bin < BinCount - 1 && Edges[bin + 1] < p) bin++;
        return bin;
    }

    /// <summary>The mean expected calibration error over the labels.</summary>
    public static double MeanExpectedCalibrationError(IReadOnlyList<LabelCalibrationMetrics> labels) =>
        labels.Count == 0 ? 0 : labels.Average(l => l.ExpectedCalibrationError);
}
