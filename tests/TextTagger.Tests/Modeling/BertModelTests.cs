using TextTagger.Modeling;
using TextTagger.Tests.TestSupport;
using static TorchSharp.torch;

namespace TextTagger.Tests.Modeling;

[Collection(TorchRandomCollection.Name)]   // training mode draws dropout keys from libtorch's global generator
public class BertModelTests
{
    [Fact]
    public void Parameter_names_follow_hugging_face()
    {
        using var model = ModelTestSupport.TinyModel();
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        string[] expected =
        [
            "bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
            "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias",
            "bert.encoder.layer.1.attention.self.query.weight", "bert.encoder.layer.1.attention.self.key.bias",
            "bert.encoder.layer.1.attention.self.value.weight", "bert.encoder.layer.1.attention.output.dense.weight",
            "bert.encoder.layer.1.attention.output.LayerNorm.weight", "bert.encoder.layer.1.intermediate.dense.weight",
            "bert.encoder.layer.1.output.dense.weight", "bert.encoder.layer.1.output.LayerNorm.bias",
            "bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias",
        ];
        Assert.All(expected, n => Assert.Contains(n, names));
        Assert.Equal(5 + 2 * 16 + 2 + 2, names.Count);
        Assert.Empty(model.named_buffers());
    }

    [Theory]
    [InlineData(PoolingMode.Cls)]
    [InlineData(PoolingMode.Mean)]
    public void Padding_does_not_change_the_logits(PoolingMode pooling)
    {
        using var scope = NewDisposeScope();
        using var model = ModelTestSupport.TinyModel(pooling: pooling);
        using var noGrad = no_grad();
        var (ids, mask) = ModelTestSupport.TinyBatch(seq: 12);
        var batched = model.forward(ids, mask, null);
        // Row 2 has 3 real tokens: run it alone, unpadded.
        var alone = model.forward(ids[TensorIndex.Slice(2, 3), TensorIndex.Slice(0, 3)], null, null);
        Assert.True(ModelTestSupport.MaxAbsDiff(batched[TensorIndex.Slice(2, 3)], alone) < 1e-5f);
        Assert.Equal([3L, 3L], batched.shape);
    }

    [Fact]
    public void Eval_is_deterministic_and_training_applies_dropout()
    {
        using var scope = NewDisposeScope();
        using var model = ModelTestSupport.TinyModel();
        var (ids, mask) = ModelTestSupport.TinyBatch();
        var a = model.forward(ids, mask, null);
        var b = model.forward(ids, mask, null);
        Assert.Equal(0f, ModelTestSupport.MaxAbsDiff(a, b));
        model.train();
        // Dropout's mask keys come from libtorch's global generator: seeded, they repeat.
        manual_seed(5);
        var c = model.forward(ids, mask, null);
        Assert.True(ModelTestSupport.MaxAbsDiff(a, c) > 1e-4f);
        manual_seed(5);
        Assert.Equal(0f, ModelTestSupport.MaxAbsDiff(c, model.forward(ids, mask, null)));
        model.eval();
    }

    [Fact]
    public void Loss_is_bce_with_logits_and_backward_reaches_the_embeddings()
    {
        using var scope = NewDisposeScope();
        using var model = ModelTestSupport.TinyModel();
        var (ids, mask) = ModelTestSupport.TinyBatch();
        var logits = model.forward(ids, mask, null);
        var targets = tensor(new float[] { 1, 0, 0, 0, 1, 1, 0, 0, 0 }, [3, 3]);
        var posWeight = tensor(new float[] { 1, 2, 3 });
        var loss = BertForMultiLabelClassification.Loss(logits, targets, posWeight);

        var p = logits.sigmoid();
        var manual = -(posWeight * targets * p.log() + (1 - targets) * (1 - p).log()).mean();
        Assert.True(Math.Abs(loss.item<float>() - manual.item<float>()) < 1e-5f);
        Assert.Equal(p.data<float>().ToArray(), BertForMultiLabelClassification.Probabilities(logits).data<float>().ToArray());

        loss.backward();
        var grad = model.Bert.named_parameters().First(x => x.name == "embeddings.word_embeddings.weight").parameter.grad;
        Assert.NotNull(grad);
        Assert.True(grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Token_type_ids_default_to_zeros()
    {
        using var scope = NewDisposeScope();
        using var model = ModelTestSupport.TinyModel();
        using var noGrad = no_grad();
        var (ids, mask) = ModelTestSupport.TinyBatch();
        var implicitTypes = model.forward(ids, mask, null);
        var explicitTypes = model.forward(ids, mask, zeros_like(ids));
        Assert.Equal(0f, ModelTestSupport.MaxAbsDiff(implicitTypes, explicitTypes));
        Assert.True(ModelTestSupport.MaxAbsDiff(implicitTypes, model.forward(ids, mask, ones_like(ids))) > 0);
    }
}
