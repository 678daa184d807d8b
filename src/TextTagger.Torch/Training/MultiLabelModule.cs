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
    /// (the training split's AUROC). With <see cref="TrainingOptions.MaxBatchTokens"/> a batch longer than that is run as
    /// micro-batches whose gradients add up to the batch's (each loss weighted by its share of the rows): the same
    /// update, with the activations of one micro-batch alive at a time.</summary>
    public StepResult TrainingStep(EncodedDataset train, int[] rows, EvaluationAccumulator scores, int globalStep)
    {
        var result = Step(train, rows, scores, globalStep);
        NativeHeap.ReleaseIfGrown();   // between steps, with the step's tensors freed
        return result;
    }

    StepResult Step(EncodedDataset train, int[] rows, EvaluationAccumulator scores, int globalStep)
    {
        using var stepScope = NewDisposeScope();   // the clipping's and optimizer's temporaries
        optimizer.Optimizer.zero_grad();
        var chunks = MicroBatches(train, rows);
        double loss = 0;
        int paddedLength = 0;
        foreach (var chunk in chunks)
        {
            using var scope = NewDisposeScope();
            var (inputs, targets) = train.Batch(chunk, fixedPadding: !options.DynamicPadding);
            using var batch = inputs;
            Tensor logits;
            using (Autocast.Enable(computeType))
                logits = model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
            var chunkLoss = BertForMultiLabelClassification.Loss(logits, targets, positiveWeights);
            if (chunks.Count == 1)   // a whole batch as before: no share factor in the graph, the loss as it was
            {
                chunkLoss.backward();
                loss = chunkLoss.item<float>();
            }
            else
            {
                (chunkLoss * ((double)chunk.Length / rows.Length)).backward();
                loss += chunkLoss.item<float>() * chunk.Length / rows.Length;
            }
            paddedLength = Math.Max(paddedLength, batch.SequenceLength);
            Record(logits, train, chunk, scores);
        }
        nn.utils.clip_grad_norm_(optimizer.Parameters, options.GradientClipNorm);
        double rate = optimizer.ScaleLearningRates(schedule.Factor(globalStep));
        optimizer.Optimizer.step();
        return new StepResult(loss, rate, paddedLength);
    }

    /// <summary>The batch cut into runs of rows whose padded tokens stay within the budget (the whole batch without one).</summary>
    List<int[]> MicroBatches(EncodedDataset train, int[] rows)
    {
        if (options.MaxBatchTokens is not int budget) return [rows];
        int length = options.DynamicPadding ? rows.Max(r => train.Ids[r].Length) : train.MaxTokens;
        int perChunk = Math.Max(1, budget / length);
        return rows.Chunk(perChunk).ToList();
    }

    static void Record(Tensor logits, EncodedDataset train, int[] rows, EvaluationAccumulator scores)
    {
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
        var metrics = new ValidationMetrics(epoch, globalStep, LogitsRunner.MeanLoss(logits, validation.Labels), auc,
                                            RankingMetrics.MeanOfDefined(auc), clock.Elapsed);
        return (metrics, scores);
    }
}
