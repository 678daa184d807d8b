using TextTagger.Modeling;
using static TorchSharp.torch;

namespace TextTagger.Tests.Modeling;

public class AutocastTests
{
    [Theory]
    [InlineData(PoolingMode.Cls)]
    [InlineData(PoolingMode.Mean)]
    public void Bf16_autocast_trains_float32_weights_and_stays_close_to_float32(PoolingMode pooling)
    {
        using var scope = NewDisposeScope();
        // eval: no dropout, so both runs see the same network; weights of spread 0.2: logits of order 1, not ≈ 0.
        using var model = ModelTestSupport.TinyModel(pooling: pooling, initializerRange: 0.2);
        var (ids, mask) = ModelTestSupport.TinyBatch();
        var targets = tensor(new float[] { 1, 0, 0, 0, 1, 1, 0, 0, 0 }, [3, 3]);

        var (fp32Logits, fp32Grads) = LogitsAndGradients(model, ids, mask, targets, computeType: null);
        var (bf16Logits, bf16Grads) = LogitsAndGradients(model, ids, mask, targets, ScalarType.BFloat16);

        Assert.Equal(ScalarType.Float32, bf16Logits.dtype);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        float diff = ModelTestSupport.MaxAbsDiff(fp32Logits, bf16Logits);
        float signal = fp32Logits.abs().max().item<float>();
        Assert.True(signal > 0.5f, $"max |logit| {signal}: too close to 0 to compare against");
        Assert.True(diff > 0, "bf16 autocast must change the arithmetic");
        // bfloat16 keeps 8 bits of mantissa (0.4 % per rounding): a few percent of the logits' size after two layers.
        Assert.True(diff < 0.03f * signal, $"bf16 logits differ from fp32 by {diff}, logits up to {signal}");
        // The same parameters get float32 gradients, pointing the same way as in float32 (the key bias's gradient is
        // zero in exact arithmetic — softmax ignores a constant shift — so both are rounding noise and are skipped).
        Assert.Equal(fp32Grads.Keys.Order(), bf16Grads.Keys.Order());
        Assert.True(fp32Grads.Count > 30, $"{fp32Grads.Count} parameters with gradients");
        foreach (var (name, fp32) in fp32Grads.Where(g => !g.Key.EndsWith("key.bias")))
        {
            var bf16 = bf16Grads[name];
            Assert.Equal(ScalarType.Float32, bf16.dtype);
            double cosine = nn.functional.cosine_similarity(fp32.flatten(), bf16.flatten(), 0).item<float>();
            Assert.True(cosine > 0.98, $"{name}: gradient cosine {cosine:F4}");
        }
        Assert.Null(Autocast.ComputeType);
    }

    /// <summary>Logits and every parameter's gradient for one forward and backward in the given compute type.</summary>
    static (Tensor Logits, Dictionary<string, Tensor> Gradients) LogitsAndGradients(BertForMultiLabelClassification model, Tensor ids,
                                                                                    Tensor mask, Tensor targets, ScalarType? computeType)
    {
        model.zero_grad();
        Tensor logits;
        using (Autocast.Enable(computeType)) logits = model.forward(ids, mask, null);
        BertForMultiLabelClassification.Loss(logits, targets).backward();
        var gradients = model.named_parameters().Where(p => p.parameter.grad is not null)
                              .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        return (logits.detach(), gradients);
    }

    [Fact]
    public void Enable_is_scoped_and_per_thread()
    {
        Assert.Null(Autocast.ComputeType);
        using (Autocast.Enable(ScalarType.BFloat16))
        {
            Assert.Equal(ScalarType.BFloat16, Autocast.ComputeType);
            ScalarType? elsewhere = ScalarType.Float64;
            var thread = new Thread(() => elsewhere = Autocast.ComputeType);
            thread.Start();
            thread.Join();
            Assert.Null(elsewhere);
            using (Autocast.Enable(null)) Assert.Null(Autocast.ComputeType);
            Assert.Equal(ScalarType.BFloat16, Autocast.ComputeType);
        }
        Assert.Null(Autocast.ComputeType);
    }

    [Fact]
    public void Precision_names_resolve_and_unknown_ones_are_user_errors()
    {
        Assert.Null(ComputePrecision.Resolve(TextTagger.Inference.Engines.Precision.Fp32));
        Assert.Equal(ScalarType.BFloat16, ComputePrecision.Resolve(TextTagger.Inference.Engines.Precision.Bf16));
        Assert.Equal(Autocast.CpuHasNativeBFloat16 ? TextTagger.Inference.Engines.Precision.Bf16 : TextTagger.Inference.Engines.Precision.Fp32, ComputePrecision.Describe(TextTagger.Inference.Engines.Precision.Auto));
        var error = Assert.Throws<TextTaggerException>(() => TextTagger.Inference.Engines.Precisions.Parse("fp16", "--precision"));
        Assert.Equal("--precision must be one of auto, fp32, bf16, int8, got 'fp16'", error.Message);
        var int8 = Assert.Throws<TextTaggerException>(() => TextTagger.Inference.Engines.Precisions.Parse("int8", "--precision"));
        Assert.StartsWith("--precision must be one of auto, fp32, bf16, got 'int8'", int8.Message);
    }
}
