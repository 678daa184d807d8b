using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using TextTagger.Calibration;
using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.Inference;
using TextTagger.ModelFiles;
using TextTagger.NGram.Featurizing;

namespace TextTagger.NGram;

/// <summary>What training the n-gram model did: sizes, times, and the saved model's thresholds and validation AUROC.</summary>
public sealed record NGramTrainingResult(string ModelDirectory, int TrainRows, int ValidationRows, int FeatureCount,
                                         double FeaturizeSeconds, double FitSeconds, IReadOnlyList<double?> ValidationRocAuc,
                                         double? ValidationMeanRocAuc);

/// <summary>
/// Trains the n-gram model (<see cref="NGramOptions"/>): fits the featurizer on the training texts, featurizes them
/// once, fits one ML.NET L-BFGS logistic regression per label on those features (for NB-SVM scaled by the label's Naive
/// Bayes ratios, folded into the saved weights), tunes per-label thresholds
/// for F1 on the validation rows (as transformer training does), and writes the model directory atomically.
/// </summary>
public static class NGramTrainer
{
    public static NGramTrainingResult Train(LabeledDataset train, LabeledDataset validation, NGramOptions options, string modelDirectory,
                                            Action<string>? message = null, TuningOptions? tuning = null)
    {
        options.Validate();
        tuning?.Policies().For(train.LabelNames);   // a rule for a label the data lacks fails before the fit
        if (train.Count == 0 || validation.Count == 0)
            throw new TextTaggerException($"too few rows to train ({train.Count} for training, {validation.Count} for validation)");
        message ??= _ => { };
        var ml = new MLContext(seed: 0);
        var clock = Stopwatch.StartNew();
        var trainTexts = train.Rows.Select(r => r.Text).ToArray();
        INGramFeaturizer featurizer = options.Featurizer == "ml.net" ? MlNetFeaturizer.Fit(trainTexts, options) : TfidfFeaturizer.Fit(trainTexts, options);
        var rows = featurizer.Featurize(trainTexts);
        int featureCount = featurizer.FeatureCount;
        double featurizeSeconds = clock.Elapsed.TotalSeconds;
        message(options.Featurizer == "ml.net"
            ? $"n-gram features (ml.net): {featureCount:N0} (word 1–{options.WordNgrams}, char 1–{options.CharNgrams}, in ≥ {options.MinCount} texts) " +
              $"from {train.Count:N0} training rows in {featurizeSeconds:F1} s"
            : $"n-gram features (tf-idf): {featureCount:N0} (word 1–{options.WordNgrams} ≤ {options.MaxWordFeatures:N0}, char_wb 2–{options.CharNgrams} ≤ {options.MaxCharFeatures:N0}, " +
              $"in ≥ {options.MinCount} texts) from {train.Count:N0} training rows in {featurizeSeconds:F1} s");

        clock.Restart();
        var weights = new float[train.LabelNames.Count][];
        var bias = new float[weights.Length];
        for (int l = 0; l < weights.Length; l++)
        {
            var labelClock = Stopwatch.StartNew();
            (weights[l], bias[l]) = FitLabel(ml, rows, train, l, featureCount, options);
            message($"  {train.LabelNames[l]}: {(options.Classifier == "nbsvm" ? "NB-SVM" : "logistic regression")} fitted in {labelClock.Elapsed.TotalSeconds:F1} s");
        }
        double fitSeconds = clock.Elapsed.TotalSeconds;

        using var scorer = NGramScorer.FromTrained(featurizer, weights, bias);
        var tagger = new Tagger(scorer, train.LabelNames, LabelThresholds.Uniform(weights.Length, LabelThresholds.Default));
        var scores = ModelEvaluation.Score(tagger, validation);
        var tuned = ModelTuning.Fit(scores, tuning, message);
        AtomicDirectory.Write(modelDirectory, folder =>
        {
            featurizer.Save(folder);
            int format = featurizer is TfidfFeaturizer ? NGramFiles.TfidfFormat : 1;
            new NGramFiles(NGramFiles.Kind, train.LabelNames, featureCount, bias, options, format).Write(folder, weights);
            tuned.Write(folder);
        });
        var auc = Enumerable.Range(0, scores.LabelCount).Select(l => TextTagger.Evaluation.RankingMetrics.RocAuc(scores.Scores(l), scores.Truth.Column(l))).ToArray();
        return new NGramTrainingResult(Path.GetFullPath(modelDirectory), train.Count, validation.Count, featureCount, featurizeSeconds,
                                       fitSeconds, auc, TextTagger.Evaluation.RankingMetrics.MeanOfDefined(auc));
    }

    /// <summary>One label's weights over the featurizer's features (for NB-SVM: w ∘ r, so scoring is weights · x) and bias.</summary>
    static (float[] Weights, float Bias) FitLabel(MLContext ml, SparseRow[] features, LabeledDataset train, int label, int featureCount,
                                                  NGramOptions o)
    {
        if (!train.Rows.Any(r => r.Labels[label] == 1))
            throw new TextTaggerException($"no training row carries '{train.LabelNames[label]}': nothing to learn it from");
        var positive = train.Rows.Select(r => r.Labels[label] == 1).ToArray();
        float[]? ratios = o.Classifier == "nbsvm" ? NaiveBayesRatios.Compute(features, positive, featureCount, presence: o.NaiveBayesCounts == "presence") : null;
        var schema = SchemaDefinition.Create(typeof(LabelledFeatures));
        schema[nameof(LabelledFeatures.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var rows = features.Select((f, i) =>
        {
            var x = ratios is null ? f : NaiveBayesRatios.Scale(f, ratios);
            return new LabelledFeatures { Features = new VBuffer<float>(featureCount, x.Indices.Length, x.Values, x.Indices), Label = positive[i] };
        });
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(LabelledFeatures.Label),
            FeatureColumnName = nameof(LabelledFeatures.Features),
            L2Regularization = o.L2Regularization,
            L1Regularization = 0,
            MaximumNumberOfIterations = o.MaxIterations,
            NumberOfThreads = o.Threads == 0 ? null : o.Threads,
        });
        var model = trainer.Fit(data).Model.SubModel;
        var weights = new float[featureCount];
        int j = 0;
        foreach (float w in model.Weights) weights[j++] = w;
        if (ratios != null)
            for (int f = 0; f < featureCount; f++) weights[f] *= ratios[f];
        return (weights, model.Bias);
    }

    sealed class LabelledFeatures
    {
        public VBuffer<float> Features { get; set; }
        public bool Label { get; set; }
    }
}
