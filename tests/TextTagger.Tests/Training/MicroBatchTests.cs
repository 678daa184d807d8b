using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using TextTagger.Tests.TestSupport;
using TextTagger.Tokenization;
using TextTagger.Training;
using static TorchSharp.torch;

namespace TextTagger.Tests.Training;

[Collection(TorchRandomCollection.Name)]   // seeds libtorch's global generator (the new head) and trains
public class MicroBatchTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    /// <summary>Three optimizer steps on 32 rows from the same weights, whole or as micro-batches of 2–3 rows (dropout
    /// off: the model in eval mode), and the loss and every weight they end with.</summary>
    (double[] Losses, float[] Weights, float[] Gradients, int Rows) Steps(string encoder, LabeledDataset data, int? maxBatchTokens, int steps = 3)
    {
        manual_seed(3);   // the new head's weights
        var pretrained = PretrainedModel.Load(encoder, data.LabelNames, PoolingMode.Mean);
        using var owned = pretrained;
        var model = pretrained.Model;
        model.eval();
        var options = new TrainingOptions { Model = encoder, MaxTokens = 32, LearningRate = 1e-3, MaxBatchTokens = maxBatchTokens };
        var module = new MultiLabelModule(model, new OptimizerSetup(model, options), LinearWarmupSchedule.FromFraction(0, 10), options, null, null);
        var encoded = new EncodedDataset(data, BertTokenizer.FromVocab(pretrained.VocabPath, pretrained.DoLowerCase), 32);
        var scores = new EvaluationAccumulator(data.LabelNames, 96);
        var losses = Enumerable.Range(0, steps).Select(step => module.TrainingStep(encoded, Enumerable.Range(step * 32, 32).ToArray(), scores, step).Loss).ToArray();
        using var noGrad = no_grad();
        var weights = model.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray();
        // The last step's gradients stay on the parameters until the next step clears them.
        var gradients = steps == 0 ? [] : model.parameters().Where(p => p.grad is not null).SelectMany(p => p.grad!.flatten().data<float>().ToArray()).ToArray();
        return (losses, weights, gradients, scores.RowCount);
    }

    [Fact]
    public void Micro_batches_add_up_to_the_update_of_the_whole_batch()
    {
        var data = CsvDatasetReader.Load(SyntheticData.Write(_folder.Combine("synthetic.csv"), 96));
        string encoder = TinyModelDirectory.Create(_folder.Combine("encoder"), []);
        Assert.Equal(4096, new TrainingOptions().MaxBatchTokens);   // the default: whole batches up to 4,096 padded tokens
        var whole = Steps(encoder, data, null);
        var split = Steps(encoder, data, 64);   // 64 tokens: 2–3 rows of up to 21–32 tokens per micro-batch

        Assert.Equal(96, split.Rows);
        for (int s = 0; s < 3; s++) Assert.Equal(whole.Losses[s], split.Losses[s], 5);
        double gradientScale = whole.Gradients.Max(Math.Abs);
        double gradientDiff = whole.Gradients.Zip(split.Gradients).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(gradientDiff < 1e-5 * gradientScale, $"max |Δ gradient| {gradientDiff} of {gradientScale}");
        double maxDiff = whole.Weights.Zip(split.Weights).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maxDiff < 1e-5, $"max |Δ weight| {maxDiff}");
        // …and they did move: three steps at lr 1e-3 change weights by far more than that.
        var initial = Steps(encoder, data, null, steps: 0);
        double moved = whole.Weights.Zip(initial.Weights).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(moved > 1e-3, $"max |Δ weight| over three steps {moved}");
    }
}
