using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.Inference;
using TextTagger.Modeling.Checkpoints;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Evaluation;

public class ModelEvaluationTests : IDisposable
{
    static readonly string[] Labels = ["toxic", "insult"];
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    /// <summary>Texts from the tiny model's vocabulary, of varied lengths, with seeded random 0/1 labels.</summary>
    internal static LabeledDataset Dataset(int rows, IReadOnlyList<string> labelNames, int seed = 5)
    {
        var random = new Random(seed);
        var words = TinyModelDirectory.Words.Concat(Enumerable.Range(0, 60).Select(i => $"w{i}")).ToArray();
        var data = new List<LabeledText>();
        for (int i = 0; i < rows; i++)
        {
            string text = string.Join(' ', Enumerable.Range(0, 1 + random.Next(20)).Select(_ => words[random.Next(words.Length)]));
            var labels = labelNames.Select(_ => (byte)(random.NextDouble() < 0.3 ? 1 : 0)).ToArray();
            data.Add(new LabeledText($"r{i}", text, labels, i + 2));
        }
        return new LabeledDataset(labelNames, data, "test.csv");
    }

    static string Json(EvaluationReport report) =>
        EvaluationReportJson.Serialize(report with { TunedThresholdsSource = null }, includeRocCurves: true);

    [Fact]
    public void Evaluate_gives_the_auroc_and_f1_counted_by_hand_from_the_taggers_probabilities()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), Labels);
        using var tagger = Tagger.Load(new TaggerOptions { ModelPath = dir, BatchSize = 8 });
        var data = Dataset(80, Labels);

        var report = ModelEvaluation.Evaluate(tagger, data);

        // The expected numbers, counted here from the tagger's probabilities without the evaluation code: AUROC as the
        // share of (positive, negative) pairs ranked right (ties half), and precision, recall, F1 at 0.5.
        var probabilities = tagger.PredictProbabilities(data.Rows.Select(r => r.Text).ToArray());
        for (int j = 0; j < Labels.Length; j++)
        {
            var positives = Enumerable.Range(0, data.Count).Where(i => data.Rows[i].Labels[j] == 1).Select(i => probabilities[i, j]).ToArray();
            var negatives = Enumerable.Range(0, data.Count).Where(i => data.Rows[i].Labels[j] == 0).Select(i => probabilities[i, j]).ToArray();
            double pairs = positives.Sum(p => negatives.Sum(n => p > n ? 1.0 : p == n ? 0.5 : 0.0));
            Assert.Equal((positives.Length, negatives.Length), (report.Ranking[j].Positives, report.Ranking[j].Negatives));
            Assert.Equal(pairs / (positives.Length * negatives.Length), report.Ranking[j].RocAuc!.Value, 12);

            int predicted = Enumerable.Range(0, data.Count).Count(i => probabilities[i, j] >= 0.5);
            int truePositives = positives.Count(p => p >= 0.5);
            double precision = predicted == 0 ? 0 : (double)truePositives / predicted, recall = (double)truePositives / positives.Length;
            var row = report.AtDefaultThreshold.Report.Labels[j];
            Assert.Equal(precision, row.Precision, 12);
            Assert.Equal(recall, row.Recall, 12);
            Assert.Equal(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall), row.F1, 12);
            Assert.Equal(positives.Length, row.Support);
        }
        Assert.Equal(report.Ranking.Average(r => r.RocAuc!.Value), report.MeanRocAuc!.Value, 12);
        Assert.Equal(80, report.RowCount);
        // The tiny model has no thresholds.json: the tuned section is tuned on this data and says so.
        Assert.Equal(TunedThresholdsSource.TunedOnThisData, report.TunedThresholdsSource);
        Assert.Contains("optimistic", EvaluationReportMarkdown.Render(report));
    }

    [Fact]
    public void Chunked_scoring_gives_the_same_numbers_as_a_single_pass()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), Labels);
        var data = Dataset(50, Labels);
        using (var tagger = Tagger.Load(new TaggerOptions { ModelPath = dir, BatchSize = 1 }))
        {
            // One row per forward pass: chunking cannot change any number, to the last bit.
            var progress = new List<int>();
            var chunked = ModelEvaluation.Evaluate(tagger, data, progress.Add, new ModelEvaluationOptions { ChunkRows = 7 });
            var single = ModelEvaluation.Evaluate(tagger, data, null, new ModelEvaluationOptions { ChunkRows = 10_000 });
            Assert.Equal(Json(single), Json(chunked));
            Assert.Equal(Enumerable.Range(1, 50), progress); // cumulative over chunks, ends at the row count
        }
        using (var tagger = Tagger.Load(new TaggerOptions { ModelPath = dir, BatchSize = 4 }))
        {
            // Batches padded to other lengths: the same scores up to float rounding.
            var chunked = ModelEvaluation.Score(tagger, data, chunkRows: 6);
            var single = ModelEvaluation.Score(tagger, data, chunkRows: 10_000);
            for (int j = 0; j < Labels.Length; j++)
                for (int i = 0; i < data.Count; i++)
                    Assert.Equal(single.Scores(j)[i], chunked.Scores(j)[i], 6);
        }
    }

    [Fact]
    public void Data_labels_in_another_order_are_lined_up_by_name()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), Labels);
        using var tagger = Tagger.Load(dir);
        var data = Dataset(40, Labels);
        var swapped = new LabeledDataset(["insult", "toxic"],
            data.Rows.Select(r => r with { Labels = [r.Labels[1], r.Labels[0]] }).ToArray(), data.Source);

        var report = ModelEvaluation.Evaluate(tagger, swapped);

        Assert.Equal(Labels, report.LabelNames);
        Assert.Equal(Json(ModelEvaluation.Evaluate(tagger, data)), Json(report));
        Assert.Equal(data.Rows.Count(r => r.Labels[1] == 1), report.Ranking[1].Positives);
    }

    [Fact]
    public void Mismatched_labels_are_a_clear_error_naming_missing_and_extra_labels()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), Labels);
        using var tagger = Tagger.Load(dir);
        var data = Dataset(10, ["toxic", "threat", "obscene"]);
        var e = Assert.Throws<TextTaggerException>(() => ModelEvaluation.Evaluate(tagger, data));
        Assert.Contains("test.csv", e.Message);
        Assert.Contains("missing from the data: insult", e.Message);
        Assert.Contains("not labels of the model: threat, obscene", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Stored_model_thresholds_are_the_tuned_section_and_a_given_threshold_replaces_them()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), Labels);
        HfFiles.WriteThresholds(dir, Labels, new Dictionary<string, float> { ["toxic"] = 0.25f, ["insult"] = 0.75f });
        var data = Dataset(30, Labels);
        using var tagger = Tagger.Load(dir);

        var report = ModelEvaluation.Evaluate(tagger, data);
        Assert.Equal(TunedThresholdsSource.Model, report.TunedThresholdsSource);
        Assert.Equal(new[] { (double)0.25f, (double)0.75f }, report.AtTunedThresholds!.Thresholds);
        Assert.Equal(LabelThresholds.Uniform(2), report.AtDefaultThreshold.Thresholds);

        var given = ModelEvaluation.Evaluate(tagger, data, options: new ModelEvaluationOptions { Threshold = 0.4 });
        Assert.Equal(TunedThresholdsSource.Given, given.TunedThresholdsSource);
        Assert.Equal(new[] { 0.4, 0.4 }, given.AtTunedThresholds!.Thresholds);

        var untuned = ModelEvaluation.Evaluate(tagger, data,
            options: new ModelEvaluationOptions { Threshold = 0.5, TuneOnDataWhenUntuned = false });
        Assert.Null(untuned.AtTunedThresholds);
        Assert.Null(untuned.TunedThresholdsSource);
    }

    [Fact]
    public void Charts_are_pngs_and_a_report_without_curves_still_draws()
    {
        string dir = TinyModelDirectory.Create(_folder.Combine("tiny"), Labels);
        using var tagger = Tagger.Load(dir);
        var report = ModelEvaluation.Evaluate(tagger, Dataset(40, Labels));
        foreach (var png in EvaluationCharts.Write(report, _folder.Combine("charts")))
            EvaluateCommandTests.AssertPng(png);
        var withoutCurves = EvaluationReportJson.Deserialize(EvaluationReportJson.Serialize(report));
        foreach (var png in EvaluationCharts.Write(withoutCurves, _folder.Combine("charts2")))
            EvaluateCommandTests.AssertPng(png);
    }
}
