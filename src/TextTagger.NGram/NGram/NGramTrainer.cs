using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using TextTagger.Calibration;
using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.Inference;
using TextTagger.ModelFiles;

namespace TextTagger.NGram;

/// <summary>What training the n-gram model did: sizes, times, and the saved model's thresholds and validation AUROC.</summary>
public sealed record NGramTrainingResult(string ModelDirectory, int TrainRows, int ValidationRows, int FeatureCount,
                                         double FeaturizeSeconds, double FitSeconds, IReadOnlyList<double?> ValidationRocAuc,
                                         double? ValidationMeanRocAuc);

/// <summary>
/// Trains the n-gram model (<see cref="NGramOptions"/>) with ML.NET: fits the featurizer on the training texts,
/// featurizes them once, fits one L-BFGS logistic regression per label on those features, tunes per-label thresholds
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
        var texts = ml.Data.LoadFromEnumerable(train.Rows.Select(r => new NGramScorer.TextRow { Text = r.Text }));
        var featurizer = Featurizer(ml, options).Fit(texts);
        var featureColumn = Materialize(featurizer.Transform(texts));
        int featureCount = featurizer.GetOutputSchema(texts.Schema)[NGramScorer.FeaturesColumn].Type is VectorDataViewType vector ? vector.Size : 0;
        double featurizeSeconds = clock.Elapsed.TotalSeconds;
        message($"n-gram features: {featureCount:N0} (word 1–{options.WordNgrams}, char 1–{options.CharNgrams}, in ≥ {options.MinCount} texts) " +
                $"from {train.Count:N0} training rows in {featurizeSeconds:F1} s");

        clock.Restart();
        var weights = new float[train.LabelNames.Count][];
        var bias = new float[weights.Length];
        for (int l = 0; l < weights.Length; l++)
        {
            var labelClock = Stopwatch.StartNew();
            (weights[l], bias[l]) = FitLabel(ml, featureColumn, train, l, featureCount, options);
            message($"  {train.LabelNames[l]}: logistic regression fitted in {labelClock.Elapsed.TotalSeconds:F1} s");
        }
        double fitSeconds = clock.Elapsed.TotalSeconds;

        using var scorer = NGramScorer.FromTrained(featurizer, weights, bias);
        var tagger = new Tagger(scorer, train.LabelNames, LabelThresholds.Uniform(weights.Length, LabelThresholds.Default));
        var scores = ModelEvaluation.Score(tagger, validation);
        var tuned = ModelTuning.Fit(scores, tuning, message);
        AtomicDirectory.Write(modelDirectory, folder =>
        {
            ml.Model.Save(featurizer, texts.Schema, Path.Combine(folder, NGramFiles.FeaturizerFile));
            new NGramFiles(NGramFiles.Kind, train.LabelNames, featureCount, bias, options).Write(folder, weights);
            tuned.Write(folder);
        });
        var auc = Enumerable.Range(0, scores.LabelCount).Select(l => TextTagger.Evaluation.RankingMetrics.RocAuc(scores.Scores(l), scores.Truth.Column(l))).ToArray();
        return new NGramTrainingResult(Path.GetFullPath(modelDirectory), train.Count, validation.Count, featureCount, featurizeSeconds,
                                       fitSeconds, auc, TextTagger.Evaluation.RankingMetrics.MeanOfDefined(auc));
    }

    /// <summary>Every row's feature vector, each in its own arrays (a cursor reuses its buffers from row to row).</summary>
    static VBuffer<float>[] Materialize(IDataView featurized)
    {
        var column = featurized.Schema[NGramScorer.FeaturesColumn];
        var rows = new List<VBuffer<float>>();
        using var cursor = featurized.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        while (cursor.MoveNext())
        {
            getter(ref row);
            VBuffer<float> copy = default;
            row.CopyTo(ref copy);
            rows.Add(copy);
        }
        return [.. rows];
    }

    static IEstimator<ITransformer> Featurizer(MLContext ml, NGramOptions o)
    {
        var weighting = o.Weighting switch
        {
            "idf" => NgramExtractingEstimator.WeightingCriteria.Idf,
            "tf" => NgramExtractingEstimator.WeightingCriteria.Tf,
            _ => NgramExtractingEstimator.WeightingCriteria.TfIdf,
        };
        return ml.Transforms.Text.FeaturizeText(NGramScorer.FeaturesColumn, new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = true,
            KeepNumbers = true,
            WordFeatureExtractor = new WordBagEstimator.Options
            {
                NgramLength = o.WordNgrams,
                UseAllLengths = true,
                Weighting = weighting,
            },
            CharFeatureExtractor = new WordBagEstimator.Options
            {
                NgramLength = o.CharNgrams,
                UseAllLengths = true,
                Weighting = weighting,
            },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        }, NGramScorer.TextColumn)
        .Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount(NGramScorer.FeaturesColumn, count: o.MinCount));
    }

    static (float[] Weights, float Bias) FitLabel(MLContext ml, VBuffer<float>[] features, LabeledDataset train, int label, int featureCount,
                                                  NGramOptions o)
    {
        var schema = SchemaDefinition.Create(typeof(LabelledFeatures));
        schema[nameof(LabelledFeatures.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var rows = features.Select((f, i) => new LabelledFeatures { Features = f, Label = train.Rows[i].Labels[label] == 1 });
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        if (!train.Rows.Any(r => r.Labels[label] == 1))
            throw new TextTaggerException($"no training row carries '{train.LabelNames[label]}': nothing to learn it from");
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
        return (weights, model.Bias);
    }

    sealed class LabelledFeatures
    {
        public VBuffer<float> Features { get; set; }
        public bool Label { get; set; }
    }
}
