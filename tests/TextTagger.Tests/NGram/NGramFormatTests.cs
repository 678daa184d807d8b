using System.Text.Json.Nodes;
using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.NGram;
using TextTagger.NGram.Featurizing;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.NGram;

/// <summary>Model format 1 (ML.NET's featurizer, written before format 2 existed) still loads; the format field is
/// checked; NB-SVM's ratios are the paper's.</summary>
public class NGramFormatTests
{
    [Fact]
    public void A_format_1_directory_written_without_a_format_field_loads_and_scores_as_trained()
    {
        using var folder = new TempFolder();
        var data = CsvDatasetReader.Load(SyntheticComments.Write(folder.Combine("comments.csv"), 600));
        var (train, validation) = DatasetSplitter.Split(data, 0.25, seed: 4);
        string saved = folder.Combine("model");
        var result = NGramTrainer.Train(train, validation, new NGramOptions { Featurizer = "ml.net", Classifier = "lr", CharNgrams = 3, L2Regularization = 0.25f }, saved);
        Assert.True(File.Exists(Path.Combine(saved, MlNetFeaturizer.FileName)));
        Assert.False(File.Exists(Path.Combine(saved, TfidfFeaturizer.FileName)));

        // As the first version wrote it: no "format", and options without the later fields.
        string description = Path.Combine(saved, NGramFiles.FileName);
        var json = JsonNode.Parse(File.ReadAllText(description))!.AsObject();
        json.Remove("format");
        foreach (var later in new[] { "Featurizer", "Classifier", "NaiveBayesCounts", "MaxWordFeatures", "MaxCharFeatures" }) json["options"]!.AsObject().Remove(later);
        File.WriteAllText(description, json.ToJsonString());

        using (var tagger = TextTagger.Inference.Tagger.Load(saved))
        {
            var scores = ModelEvaluation.Score(tagger, validation);
            for (int l = 0; l < scores.LabelCount; l++)
                Assert.Equal(result.ValidationRocAuc[l], RankingMetrics.RocAuc(scores.Scores(l), scores.Truth.Column(l)));
            Assert.True(result.ValidationMeanRocAuc > 0.9, $"{result.ValidationMeanRocAuc}");
        }

        json["format"] = 3;
        File.WriteAllText(description, json.ToJsonString());
        var unknown = CliRunner.Run("predict", "--model", saved, "bad");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("n-gram model format 3 is not known", unknown.Error);

        json["format"] = NGramFiles.TfidfFormat;   // says format 2, but the vocabulary is not there
        File.WriteAllText(description, json.ToJsonString());
        var missing = CliRunner.Run("predict", "--model", saved, "bad");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"{TfidfFeaturizer.FileName} is missing", missing.Error);
    }

    [Fact]
    public void Naive_Bayes_ratios_are_the_log_ratio_of_the_normalised_class_sums()
    {
        SparseRow[] rows = [new([0, 2], [1f, 2f]), new([1], [3f]), new([0, 1], [1f, 1f])];
        bool[] positive = [true, false, false];
        var r = NaiveBayesRatios.Compute(rows, positive, featureCount: 3, presence: false);
        // p = 1 + [1, 0, 2] = [2, 1, 3] (sum 6); q = 1 + [1, 4, 0] = [2, 5, 1] (sum 8).
        double[] expected = [Math.Log(2.0 / 6 / (2.0 / 8)), Math.Log(1.0 / 6 / (5.0 / 8)), Math.Log(3.0 / 6 / (1.0 / 8))];
        for (int f = 0; f < 3; f++) Assert.Equal(expected[f], r[f], 1e-6);
        // Presence: p = 1 + [1, 0, 1] = [2, 1, 2] (sum 5); q = 1 + [1, 2, 0] = [2, 3, 1] (sum 6).
        var present = NaiveBayesRatios.Compute(rows, positive, featureCount: 3, presence: true);
        double[] expectedPresent = [Math.Log(2.0 / 5 / (2.0 / 6)), Math.Log(1.0 / 5 / (3.0 / 6)), Math.Log(2.0 / 5 / (1.0 / 6))];
        for (int f = 0; f < 3; f++) Assert.Equal(expectedPresent[f], present[f], 1e-6);
        var scaled = NaiveBayesRatios.Scale(rows[0], r);
        Assert.Equal([0, 2], scaled.Indices);
        Assert.Equal(2 * r[2], scaled.Values[1], 1e-6);
    }

    [Fact]
    public void Unknown_featurizer_and_classifier_are_named_by_their_flags()
    {
        using var folder = new TempFolder();
        string data = SyntheticComments.Write(folder.Combine("comments.csv"), 50);
        var classifier = CliRunner.Run("train", "--model", "ngram", "--data", data, "--out", folder.Combine("a"), "--ngram-classifier", "svm");
        Assert.Equal(1, classifier.ExitCode);
        Assert.Contains("error: --ngram-classifier must be nbsvm or lr, got 'svm'", classifier.Error);
        var featurizer = CliRunner.Run("train", "--model", "ngram", "--data", data, "--out", folder.Combine("b"), "--ngram-featurizer", "bert");
        Assert.Equal(1, featurizer.ExitCode);
        Assert.Contains("error: --ngram-featurizer must be tfidf or ml.net, got 'bert'", featurizer.Error);
        var words = CliRunner.Run("train", "--model", "ngram", "--data", data, "--out", folder.Combine("c"), "--ngram-max-word-features", "0");
        Assert.Equal(1, words.ExitCode);
        Assert.Contains("error: --ngram-max-word-features must be ≥ 1, got 0", words.Error);
    }
}
