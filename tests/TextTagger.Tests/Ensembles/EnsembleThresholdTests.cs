using System.Text.Json;
using TextTagger.Data;
using TextTagger.Inference;
using TextTagger.Tests.NGram;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;
using Xunit.Abstractions;

namespace TextTagger.Tests.Ensembles;

/// <summary>The thresholds.json an ensemble ships, checked against a brute-force search written here: on the tune rows,
/// the tags the ensemble gives reach the best F1 any threshold can reach, and the highest such threshold is kept.</summary>
public sealed class EnsembleThresholdTests(NGramModelFixture run, ITestOutputHelper log) : IClassFixture<NGramModelFixture>, IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    /// <summary>F1 of "score ≥ threshold" against the truth, counted directly.</summary>
    static double F1(double[] scores, bool[] truth, double threshold)
    {
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool predicted = scores[i] >= threshold;
            if (predicted && truth[i]) tp++;
            else if (predicted) fp++;
            else if (truth[i]) fn++;
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Tuned_thresholds_reach_the_best_f1_on_the_tune_rows_found_by_brute_force(int transformerSeed)
    {
        // Equal weights: the random transformer's confident noise (weights drawn wide) spreads the n-gram model's
        // scores, so the best threshold is neither 0.5 nor an extreme.
        string transformer = TinyModelDirectory.Create(_folder.Combine("tiny"), TinyModelFixture.Labels, seed: transformerSeed, initializerRange: 0.5);
        string output = _folder.Combine("ensemble");
        var built = CliRunner.Run("ensemble", "--models", $"{run.Model},{transformer}", "--tune-on", run.Tune, "--out", output, "--weights", "equal");
        Assert.True(built.ExitCode == 0, built.Error);

        using var thresholdsJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "thresholds.json")));
        var tune = CsvDatasetReader.Load(run.Tune);
        var texts = tune.Rows.Select(r => r.Text).ToArray();
        using var ensemble = Tagger.Load(output);
        var predictions = ensemble.Predict(texts);

        // The ensemble's probabilities are the sigmoid of the members' mean logit (equal weights: 1/2 each).
        using (var first = Tagger.Load(run.Model))
        using (var second = Tagger.Load(transformer))
        {
            var a = first.PredictLogits(texts);
            var b = second.PredictLogits(texts);
            for (int i = 0; i < texts.Length; i++)
                for (int l = 0; l < ensemble.Labels.Count; l++)
                    Assert.Equal(1 / (1 + Math.Exp(-(a[i, l] + b[i, l]) / 2.0)), predictions[i].Probabilities[l], 6);
        }

        int nonTrivial = 0;
        for (int l = 0; l < ensemble.Labels.Count; l++)
        {
            string label = ensemble.Labels[l];
            int column = tune.LabelNames.ToList().IndexOf(label);
            var truth = tune.Rows.Select(r => r.Labels[column] == 1).ToArray();
            var scores = predictions.Select(p => p.Probabilities[l]).ToArray();
            Assert.Contains(true, truth);

            // Every distinct score is a candidate (any other threshold selects the same rows as the next score above it).
            var candidates = scores.Distinct().OrderBy(s => s).ToArray();
            double best = candidates.Max(t => F1(scores, truth, t));
            double highestBest = candidates.Last(t => F1(scores, truth, t) == best);

            var rule = thresholdsJson.RootElement.GetProperty("labels").EnumerateArray().Single(e => e.GetProperty("label").GetString() == label);
            double stored = rule.GetProperty("threshold").GetSingle();   // thresholds.json holds float32 values
            Assert.Equal("f1", rule.GetProperty("policy").GetString());
            Assert.Equal(stored, ensemble.Thresholds[l]);
            var tagged = predictions.Select(p => p.Tags.Contains(label)).ToArray();
            int tp = tagged.Zip(truth).Count(x => x.First && x.Second), fp = tagged.Zip(truth).Count(x => x.First && !x.Second),
                fn = tagged.Zip(truth).Count(x => !x.First && x.Second);
            double tagsF1 = 2.0 * tp / (2.0 * tp + fp + fn);
            // The precision and recall the file reports for the tune rows are those of the tags, counted here.
            Assert.Equal((double)tp / (tp + fp), rule.GetProperty("precision").GetDouble(), 12);
            Assert.Equal((double)tp / (tp + fn), rule.GetProperty("recall").GetDouble(), 12);
            log.WriteLine($"{label}: threshold {stored:R}, tags' F1 {tagsF1:F6}; brute force: best F1 {best:F6} from {highestBest:R} " +
                          $"({candidates.Length} candidates), F1 at 0.5 {F1(scores, truth, 0.5):F6}");
            Assert.Equal(best, tagsF1, 12);
            // Ties go to the highest threshold: the tags are exactly the rows at or above the highest best candidate.
            Assert.Equal(scores.Select(s => s >= highestBest), tagged);
            if (best > F1(scores, truth, 0.5) + 1e-9) nonTrivial++;
        }
        Assert.True(nonTrivial > 0, "0.5 was already best for every label: the test would not see a wrong threshold");
    }
}
