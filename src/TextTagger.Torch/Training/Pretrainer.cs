using TextTagger.Inference.Engines;
using System.Diagnostics;
using TextTagger.Data;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using TextTagger.Tokenization;
using static TorchSharp.torch;

namespace TextTagger.Training;

/// <summary>
/// Task-adaptive pre-training: continues masked-language-model training of the encoder on the training texts, then
/// writes a Hugging Face BERT directory that `train --model DIR` fine-tunes from. It shares the fine-tuning loop's
/// parts: <see cref="OptimizerSetup"/> (AdamW, no decay on biases and LayerNorm), <see cref="LinearWarmupSchedule"/>,
/// <see cref="LengthBucketBatcher"/> (dynamic padding), <see cref="Autocast"/> (bf16), a dispose scope per step, the
/// <see cref="ITrainingObserver"/> progress events and cancellation. No checkpoints: an interrupted run writes nothing.
/// </summary>
public sealed class Pretrainer(string dataPath, CsvLoadOptions loadOptions, PretrainingOptions options, string outputDirectory,
                               ITrainingObserver? observer = null)
{
    readonly ITrainingObserver _observer = observer ?? new TrainingObservers();

    public PretrainingSummary Run(CancellationToken cancel = default)
    {
        options.Validate();
        if (!File.Exists(dataPath)) throw new TextTaggerException($"{dataPath}: file not found");
        NativeHeap.ForTraining();
        try
        {
            return Fit(cancel);
        }
        finally
        {
            NativeHeap.EndTraining();
        }
    }

    PretrainingSummary Fit(CancellationToken cancel)
    {
        var o = options;
        var clock = Stopwatch.StartNew();
        TorchRuntime.SetThreads(o.Threads);
        manual_seed(o.Seed);
        var texts = PretrainingTexts.Select(dataPath, loadOptions, o, _observer.Message);
        using var loaded = MaskedLmModel.Load(o.Model);
        var model = loaded.Model;
        if (loaded.HeadInitialised)
            _observer.Message($"note: {loaded.Source.Source} has no MLM head (cls.predictions.*): its transform is newly initialised as BERT initialises it; the decoder is the word embeddings");
        model.Bert.SetAttentionDropout(o.AttentionDropout);
        var tokenizer = BertTokenizer.FromVocab(loaded.Source.VocabPath, loaded.Source.DoLowerCase);
        if (!tokenizer.Vocabulary.TryGetId("[MASK]", out long maskId))
            throw new TextTaggerException($"{loaded.Source.VocabPath}: the vocabulary has no [MASK] token");
        long[] special = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Select(t => tokenizer.Vocabulary.IdOf(t)).ToArray();
        var masking = new MlmMasking(special, maskId, model.Config.VocabSize, o.MaskProbability);
        var train = tokenizer.EncodeAll(texts.Train, o.MaxTokens);
        var heldOut = tokenizer.EncodeAll(texts.HeldOut, o.MaxTokens);

        var batcher = new LengthBucketBatcher(train.Select(r => r.Length).ToArray(), o.BatchSize, bucketByLength: true);
        int totalSteps = Math.Min(o.Epochs * batcher.BatchesPerEpoch, o.MaxSteps ?? int.MaxValue);
        var schedule = LinearWarmupSchedule.FromFraction(o.WarmupFraction, totalSteps);
        using var optimizer = new OptimizerSetup(model, o.LearningRate, o.WeightDecay);
        var computeType = ComputePrecision.Resolve(o.Precision);
        _observer.RunStarted(new TrainingPlan(train.Length, heldOut.Length, [], o.Epochs, batcher.BatchesPerEpoch, totalSteps, schedule.WarmupSteps,
            loaded.Source.Source + " (masked-language-model pre-training)", model.ParameterCount, TorchRuntime.Threads,
            ComputePrecision.Describe(o.Precision).Name(), 1, 0));

        var before = Evaluate(model, masking, heldOut, tokenizer.PadId);
        if (before is { } b) _observer.Message($"held-out texts before: MLM loss {b.Loss:F4}, masked-token accuracy {b.Accuracy:P2}");
        int step = 0;
        double firstLoss = double.NaN, lastLoss = double.NaN;
        var stepClock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= o.Epochs && step < totalSteps; epoch++)
        {
            var batches = batcher.Batches(o.Seed, epoch);
            model.train();
            for (int i = 0; i < batches.Count && step < totalSteps; i++)
            {
                var rows = batches[i].Select(r => train[r]).ToArray();
                var (loss, length) = Step(model, optimizer, schedule, masking, rows, tokenizer.PadId, step, computeType);
                NativeHeap.ReleaseIfGrown();
                step++;
                if (step == 1) firstLoss = loss;
                lastLoss = loss;
                double perStep = stepClock.Elapsed.TotalSeconds / step;
                _observer.StepCompleted(new TrainingStep(epoch, i + 1, step, loss, o.LearningRate * schedule.Factor(step - 1), rows.Length, length,
                    step * (double)o.BatchSize / Math.Max(1e-9, stepClock.Elapsed.TotalSeconds), clock.Elapsed, TimeSpan.FromSeconds(perStep * (totalSteps - step))));
                cancel.ThrowIfCancellationRequested();
            }
        }
        var after = Evaluate(model, masking, heldOut, tokenizer.PadId);
        _observer.Message($"pre-training done: {step:N0} steps, MLM loss {firstLoss:F4} → {lastLoss:F4}" +
                          (after is { } a ? $"; held-out texts: MLM loss {a.Loss:F4}, masked-token accuracy {a.Accuracy:P2}" : ""));
        var summary = new PretrainingSummary(loaded.Source.Source.ToString(), dataPath, train.Length, heldOut.Length, step, clock.Elapsed.TotalMinutes,
            firstLoss, lastLoss, before?.Loss, after?.Loss, before?.Accuracy, after?.Accuracy, loaded.HeadInitialised, o);
        loaded.Save(outputDirectory, folder => summary.Write(Path.Combine(folder, PretrainingSummary.FileName)));
        return summary;
    }

    (double Loss, int Length) Step(BertForMaskedLM model, OptimizerSetup optimizer, LinearWarmupSchedule schedule, MlmMasking masking,
                                   long[][] rows, long padId, int step, ScalarType? computeType)
    {
        using var scope = NewDisposeScope();
        optimizer.Optimizer.zero_grad();
        int length = rows.Max(r => r.Length);
        var (ids, labels, mask) = Tensors(masking, rows, length, padId, unchecked(options.Seed * 1_000_003 + step));
        Tensor loss;
        using (Autocast.Enable(computeType))
            loss = model.MaskedLoss(ids, mask, null, labels).Loss;
        loss.backward();
        nn.utils.clip_grad_norm_(optimizer.Parameters, options.GradientClipNorm);
        optimizer.ScaleLearningRates(schedule.Factor(step));
        optimizer.Optimizer.step();
        return (loss.item<float>(), length);
    }

    static (Tensor Ids, Tensor Labels, Tensor Mask) Tensors(MlmMasking masking, long[][] rows, int length, long padId, int seed)
    {
        var (ids, labels) = masking.Mask(rows, length, padId, seed);
        var padded = PaddedBatch.FromIds(rows, length, padId);   // the attention mask, as every other batch gets it
        return (tensor(ids, padded.Shape), tensor(labels, padded.Shape), tensor(padded.AttentionMask, padded.Shape));
    }

    /// <summary>MLM loss (mean over masked tokens) and top-1 accuracy on the held-out texts, float32, the same masks each time.</summary>
    (double Loss, double Accuracy)? Evaluate(BertForMaskedLM model, MlmMasking masking, long[][] heldOut, long padId)
    {
        if (heldOut.Length == 0) return null;
        model.eval();
        double lossSum = 0;
        long correct = 0, count = 0;
        using var noGrad = no_grad();
        int batchIndex = 0;
        foreach (var chunk in heldOut.Chunk(options.BatchSize))
        {
            using var scope = NewDisposeScope();
            var (ids, labels, mask) = Tensors(masking, chunk, chunk.Max(r => r.Length), padId, unchecked(options.Seed * 7_919 + batchIndex++));
            var (loss, logits) = model.MaskedLoss(ids, mask, null, labels);
            long n = logits.shape[0];
            if (n == 0) continue;
            lossSum += loss.item<float>() * n;
            correct += logits.argmax(1).eq(labels[labels.ne(BertForMaskedLM.IgnoreIndex)]).sum().item<long>();
            count += n;
        }
        model.train();
        return count == 0 ? null : (lossSum / count, (double)correct / count);
    }
}
