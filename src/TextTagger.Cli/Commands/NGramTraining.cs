using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;
using TextTagger.Data;
using TextTagger.NGram;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger train --model ngram`: the n-gram model on the same data options, split, validation file,
/// thresholds, evaluation report and model directory conventions as a transformer run.</summary>
sealed class NGramTraining
{
    public const string ModelName = "ngram";

    readonly NGramOptions _defaults = new();
    public Option<float> L2 { get; }
    public Option<int> MinCount { get; }
    public Option<int> WordNgrams { get; }
    public Option<int> CharNgrams { get; }
    public Option<string> Weighting { get; }
    public Option<string> Featurizer { get; }
    public Option<string> Classifier { get; }
    public Option<string> NaiveBayesCounts { get; }
    public Option<int> MaxWordFeatures { get; }
    public Option<int> MaxCharFeatures { get; }

    public NGramTraining()
    {
        L2 = new Option<float>("--ngram-l2") { Description = "n-gram model: L2 weight of its logistic regressions", DefaultValueFactory = _ => _defaults.L2Regularization };
        MinCount = new Option<int>("--ngram-min-count") { Description = "n-gram model: keep n-grams found in at least this many training texts", DefaultValueFactory = _ => _defaults.MinCount };
        WordNgrams = new Option<int>("--ngram-words") { Description = "n-gram model: longest word n-gram", DefaultValueFactory = _ => _defaults.WordNgrams };
        Weighting = new Option<string>("--ngram-weighting") { Description = "n-gram model, --ngram-featurizer ml.net: tfidf, idf (presence × idf) or tf", DefaultValueFactory = _ => _defaults.Weighting };
        Featurizer = new Option<string>("--ngram-featurizer") { Description = "n-gram model: tfidf (scikit-learn's TF-IDF: sublinear tf, char_wb n-grams; model format 2) or ml.net (ML.NET's FeaturizeText; format 1)", DefaultValueFactory = _ => _defaults.Featurizer };
        Classifier = new Option<string>("--ngram-classifier") { Description = "n-gram model: nbsvm (features scaled by Naive Bayes log-count ratios per label) or lr (plain logistic regression)", DefaultValueFactory = _ => _defaults.Classifier };
        NaiveBayesCounts = new Option<string>("--ngram-nb-counts") { Description = "n-gram model, --ngram-classifier nbsvm: presence (rows that have a feature) or tfidf (its values summed) for the Naive Bayes ratios", DefaultValueFactory = _ => _defaults.NaiveBayesCounts };
        MaxWordFeatures = new Option<int>("--ngram-max-word-features") { Description = "n-gram model, --ngram-featurizer tfidf: keep at most this many word n-grams (the most frequent)", DefaultValueFactory = _ => _defaults.MaxWordFeatures };
        MaxCharFeatures = new Option<int>("--ngram-max-char-features") { Description = "n-gram model, --ngram-featurizer tfidf: keep at most this many character n-grams (the most frequent)", DefaultValueFactory = _ => _defaults.MaxCharFeatures };
        CharNgrams = new Option<int>("--ngram-chars") { Description = "n-gram model: longest character n-gram", DefaultValueFactory = _ => _defaults.CharNgrams };
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { L2, MinCount, WordNgrams, CharNgrams, Weighting, Featurizer, Classifier, NaiveBayesCounts, MaxWordFeatures, MaxCharFeatures }) command.Options.Add(option);
    }

    public NGramOptions Options(ParseResult parse, int threads) => new()
    {
        L2Regularization = parse.GetValue(L2),
        MinCount = parse.GetValue(MinCount),
        WordNgrams = parse.GetValue(WordNgrams),
        CharNgrams = parse.GetValue(CharNgrams),
        Weighting = parse.GetValue(Weighting)!,
        Featurizer = parse.GetValue(Featurizer)!,
        Classifier = parse.GetValue(Classifier)!,
        NaiveBayesCounts = parse.GetValue(NaiveBayesCounts)!,
        MaxWordFeatures = parse.GetValue(MaxWordFeatures),
        MaxCharFeatures = parse.GetValue(MaxCharFeatures),
        Threads = threads,
    };

    /// <summary>Splits like a transformer run (validation.csv and tune.csv beside the model), trains, writes train.json
    /// and evaluates the saved model on the validation rows. Returns the model directory.</summary>
    public static string Run(IAnsiConsole console, TextWriter writer, string dataPath, CsvLoadOptions loadOptions, DatasetSplitSettings split,
                             int? limitRows, NGramOptions options, string outputDirectory, TextTagger.Calibration.TuningOptions? tuning = null)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var (data, parts) = split.Prepare(dataPath, loadOptions, limitRows, outputDirectory, writer.WriteLine);
        writer.WriteLine($"n-gram model on {data.Source}: {parts.Train.Count:N0} training rows, {parts.Validation.Count:N0} validation rows" +
                         (parts.Tune != null ? $", {parts.Tune.Count:N0} tune rows" : ""));

        string modelDirectory = Path.Combine(outputDirectory, "model");
        var result = NGramTrainer.Train(parts.Train, parts.Validation, options, modelDirectory, writer.WriteLine, tuning);
        double seconds = clock.Elapsed.TotalSeconds;
        writer.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"trained in {seconds:F1} s (features {result.FeaturizeSeconds:F1} s, fit {result.FitSeconds:F1} s); validation mean ROC AUC {result.ValidationMeanRocAuc:F4}; saved {modelDirectory}"));

        var summary = new
        {
            model = ModelName,
            data = Path.GetFullPath(dataPath),
            options,
            tuning,
            split,
            train_rows = result.TrainRows,
            validation_rows = result.ValidationRows,
            features = result.FeatureCount,
            seconds = Math.Round(seconds, 1),
            validation_roc_auc = data.LabelNames.Zip(result.ValidationRocAuc).ToDictionary(p => p.First, p => p.Second),
            validation_mean_roc_auc = result.ValidationMeanRocAuc,
        };
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, "train.json"),
            JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        console.MarkupLineInterpolated($"wrote [green]{Path.Combine(outputDirectory, "train.json")}[/]");
        return modelDirectory;
    }
}
