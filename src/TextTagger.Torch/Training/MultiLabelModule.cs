using System.Diagnostics;
using TextTagger.Evaluation;
using TextTagger.Inference;
using TextTagger.Modeling;
using static TorchSharp.torch;

namespace TextTagger.Training;

/// <summary>
/// What one training step and one validation pass do (Lightning's module): forward under autocast, binary
/// cross-entropy, backward, gradient clipping, the scheduled learning rate, AdamW; and validation loss and per-label
/// ROC AUC through the same <see cref="LogitsRunner"/> that prediction uses.
/// </summary>
internal sealed class MultiLabelModule(BertForMultiLabelClassification model, OptimizerSetup optimizer, LinearWarmupSchedule schedule,
                                       TrainingOptions options, ScalarType? computeType, Tensor? positiveWeights)
{
    public BertForMultiLabelClassification Model => model;

    public readonly record struct StepResult(double Loss, double LearningRate, int PaddedLength);

    /// <summary>One optimizer step on <paramref name="rows"/>; their probabilities go to <paramref name="scores"/>
    /// (the training split's AUROC).</summary>
    public StepResult TrainingStep(EncodedDataset train, int[] rows, EvaluationAccumulator scores, int globalStep)
    {
        using var scope = NewDisposeScope();
        var (inputs, targets) = train.Batch(rows, fixedPadding: !options.DynamicPadding);
        using var batch = inputs;
        Tensor logits;
        using (Autocast.Enable(computeType))
            logits = model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
        var loss = BertForMultiLabelClassification.Loss(logits, targets, positiveWeights);
        optimizer.Optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(optimizer.Parameters, options.GradientClipNorm);
        double rate = optimizer.ScaleLearningRates(schedule.Factor(globalStep));
        optimizer.Optimizer.step();

        float[] probabilities = logits.detach().sigmoid().data<float>().ToArray();
        var rowScores = new double[train.LabelCount];
        var rowTruth = new bool[train.LabelCount];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int l = 0; l < train.LabelCount; l++)
            {
                rowScores[l] = probabilities[i * train.LabelCount + l];
                rowTruth[l] = train.Labels[rows[i]][l] == 1;
            }
            scores.AddRow(rowScores, rowTruth);
        }
        return new StepResult(loss.item<float>(), rate, batch.SequenceLength);
    }

    public (ValidationMetrics Metrics, LabelledScores Scores) Validate(EncodedDataset validation, int epoch, int globalStep,
                                                                      IReadOnlyList<string> labels)
    {
        var clock = Stopwatch.StartNew();
        var logits = LogitsRunner.Run(new TorchEngine(model), validation.Ids, validation.PadId, options.EvaluationBatchSize,
                                      options.DynamicPadding ? null : validation.MaxTokens);
        var truth = new int[validation.Count, validation.LabelCount];
        for (int i = 0; i < validation.Count; i++)
            for (int l = 0; l < validation.LabelCount; l++) truth[i, l] = validation.Labels[i][l];
        var scores = LabelledScores.FromMatrix(LogitsRunner.Probabilities(logits), truth, labels);
        var auc = Enumerable.Range(0, labels.Count).Select(l => RankingMetrics.RocAuc(scores.Scores(l), scores.Truth.Column(l))).ToArray();
        var defined = auc.OfType<double>().ToArray();
        var metrics = new ValidationMetrics(epoch, globalStep, LogitsRunner.MeanLoss(logits, validation.Labels), auc,
                                            defined.Length > 0 ? defined.Average() : null, clock.Elapsed);
        return (metrics, scores);
    }
}
