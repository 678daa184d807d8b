using System.Text.Json.Serialization;

namespace TextTagger.Evaluation;

/// <summary>
/// Points of a ROC curve, as sklearn's <c>roc_curve(y_true, y_score, drop_intermediate=True)</c> (sklearn 1.2):
/// the first point is (0, 0) at threshold <c>max score + 1</c>; point k counts rows with score &gt;= Thresholds[k].
/// </summary>
public sealed record RocCurve(double[] FalsePositiveRates, double[] TruePositiveRates, double[] Thresholds)
{
    [JsonIgnore]
    public int Count => Thresholds.Length;
}
