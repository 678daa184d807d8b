using System.Text.Json;
using TextTagger.Calibration;
using TextTagger.Evaluation;
using static TextTagger.Tests.Evaluation.SklearnFixture;

namespace TextTagger.Tests.Evaluation;

/// <summary>Threshold policies, calibration metrics and calibration fits against Fixtures/sklearn_calibration.json,
/// written by Fixtures/make_calibration_fixtures.py with scikit-learn (brute force over every distinct score with
/// precision_score / recall_score; calibration_curve; brier_score_loss; LogisticRegression on logit(p)).</summary>
public class CalibrationMatchesSklearnTests
{
    static readonly Lazy<JsonElement> Root = new(() => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Evaluation", "Fixtures", "sklearn_calibration.json"))).RootElement.Clone());

    static JsonElement CaseNamed(string name) => Root.Value.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string, int> Labels()
    {
        var data = new TheoryData<string, int>();
        foreach (var c in Root.Value.GetProperty("cases").EnumerateArray())
            for (int j = 0; j < c.GetProperty("label_names").GetArrayLength(); j++) data.Add(c.GetProperty("name").GetString()!, j);
        return data;
    }

    static (string Label, double[] Scores, bool[] Truth, JsonElement Expected) Column(string caseName, int j)
    {
        var c = CaseNamed(caseName);
        var scores = Scores(c);
        var truth = Truth(c);
        int rows = scores.GetLength(0);
        return (LabelNames(c)[j], Enumerable.Range(0, rows).Select(i => scores[i, j]).ToArray(),
                Enumerable.Range(0, rows).Select(i => truth[i, j] == 1).ToArray(), c.GetProperty("labels")[j]);
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Brier_score_ece_and_bins_equal_sklearn(string caseName, int j)
    {
        var (label, scores, truth, expected) = Column(caseName, j);
        var sk = expected.GetProperty("calibration");
        var actual = CalibrationMetrics.Compute(label, scores, truth);
        AssertClose(sk.GetProperty("brier").GetDouble(), actual.Brier, $"{caseName}/{label} brier");
        AssertClose(sk.GetProperty("ece").GetDouble(), actual.ExpectedCalibrationError, $"{caseName}/{label} ece");
        Assert.Equal(sk.GetProperty("bin_counts").EnumerateArray().Select(e => e.GetInt32()), actual.Bins.Select(b => b.Rows));
        var nonEmpty = actual.Bins.Where(b => b.Rows > 0).ToArray();
        AssertAllClose(Doubles(sk.GetProperty("prob_true")), nonEmpty.Select(b => b.FractionPositive!.Value).ToArray(), $"{caseName}/{label} prob_true");
        AssertAllClose(Doubles(sk.GetProperty("prob_pred")), nonEmpty.Select(b => b.MeanProbability!.Value).ToArray(), $"{caseName}/{label} prob_pred");
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Policy_thresholds_and_their_precision_and_recall_equal_a_brute_force_search_with_sklearn(string caseName, int j)
    {
        var (label, scores, truth, expected) = Column(caseName, j);
        foreach (var sk in expected.GetProperty("policies").EnumerateArray())
        {
            string policy = sk.GetProperty("policy").GetString()!;
            var warnings = new List<string>();
            var rule = ThresholdTuning.Tune(label, scores, truth, ThresholdPolicy.Parse(policy, "ThresholdPolicy"), warnings.Add);
            string where = $"{caseName}/{label}/{policy}";
            Assert.True(LabelThresholds.ToStored(sk.GetProperty("threshold").GetDouble()) == rule.Threshold,
                        $"{where}: threshold {rule.Threshold:R}, sklearn {sk.GetProperty("threshold").GetDouble():R}");
            Assert.Equal(policy, rule.Policy);
            Assert.Equal(sk.GetProperty("target_reached").GetBoolean(), rule.TargetReached);
            Assert.Equal(!rule.TargetReached, warnings.Count == 1);
            AssertClose(sk.GetProperty("precision").GetDouble(), rule.Precision!.Value, where + " precision");
            AssertClose(sk.GetProperty("recall").GetDouble(), rule.Recall!.Value, where + " recall");
        }
    }

    [Fact]
    public void An_unreachable_precision_falls_back_to_f1_and_says_so()
    {
        var (label, scores, truth, expected) = Column("unreachable_8x1", 0);
        Assert.Contains(expected.GetProperty("policies").EnumerateArray(), p => !p.GetProperty("target_reached").GetBoolean());
        var warnings = new List<string>();
        var rule = ThresholdTuning.Tune(label, scores, truth, new ThresholdPolicy(ThresholdGoal.Precision, 0.8), warnings.Add);
        Assert.False(rule.TargetReached);
        Assert.Equal(F1ThresholdTuner.Tune(label, scores, truth).Threshold, rule.Threshold, 6);
        Assert.Contains("precision:0.8", Assert.Single(warnings));
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Platt_and_temperature_fits_match_sklearn_logistic_regression_on_the_logit(string caseName, int j)
    {
        var (label, scores, truth, expected) = Column(caseName, j);
        var fit = expected.GetProperty("fit");
        var platt = CalibrationFit.Fit(label, scores, truth, CalibrationMethod.Platt);
        var temperature = CalibrationFit.Fit(label, scores, truth, CalibrationMethod.Temperature);
        // Loose: sklearn's L-BFGS stops at its own tolerance (with a negligible penalty), Newton at ours.
        if (fit.GetProperty("platt_slope").GetDouble() > 0)
        {
            Assert.Equal(fit.GetProperty("platt_slope").GetDouble(), platt.Slope, 3);
            Assert.Equal(fit.GetProperty("platt_intercept").GetDouble(), platt.Intercept, 3);
        }
        else Assert.Equal((1.0, 0.0), (platt.Slope, platt.Intercept));
        if (fit.GetProperty("temperature_slope").GetDouble() > 0)
        {
            Assert.Equal(fit.GetProperty("temperature_slope").GetDouble(), temperature.Slope, 3);
            Assert.Equal(0, temperature.Intercept);
        }
        else Assert.Equal((1.0, 0.0), (temperature.Slope, temperature.Intercept));   // a reversed ranking is refused
    }

    [Fact]
    public void The_fixture_has_a_fit_the_calibration_must_refuse()
    {
        // unreachable_8x1's best temperature is negative: the fallback above is exercised, not assumed.
        Assert.True(CaseNamed("unreachable_8x1").GetProperty("labels")[0].GetProperty("fit").GetProperty("temperature_slope").GetDouble() < 0);
    }

    [Fact]
    public void Platt_scaling_lowers_the_ece_of_over_confident_scores()
    {
        var (label, scores, truth, _) = Column("miscalibrated_400x3", 0);
        var map = CalibrationFit.Fit(label, scores, truth, CalibrationMethod.Platt);
        var calibrated = scores.Select(p => ModelCalibration.Apply(p, map)).ToArray();
        Assert.True(CalibrationMetrics.Compute(label, calibrated, truth).ExpectedCalibrationError <
                    CalibrationMetrics.Compute(label, scores, truth).ExpectedCalibrationError);
    }
}
