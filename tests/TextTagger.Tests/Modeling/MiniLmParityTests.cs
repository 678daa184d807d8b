using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TextTagger.Tests.Modeling;

/// <summary>Our BertModel with the converted weights against the package's own model.onnx under ONNX Runtime.</summary>
[Collection(MiniLmCollection.Name)]
public class MiniLmParityTests(MiniLmFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Matches_onnx_runtime_on_real_comments_in_padded_batches()
    {
        var comments = ModelTestSupport.Comments(48);
        using var session = new InferenceSession(BundledMiniLm.ReadResource(BundledMiniLm.OnnxResource));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.InputMetadata.Keys);
        Assert.Equal(["last_hidden_state", "924"], session.OutputMetadata.Keys);   // 924: the pooler output (Gemm → Tanh)

        var bert = fixture.Cached.Model.Bert;
        float maxHidden = 0, maxPadding = 0, maxPooler = 0, maxMean = 0;
        int padded = 0;
        for (int start = 0; start < comments.Count; start += 16)
        {
            var (ids, mask) = ModelTestSupport.Encode(comments.GetRange(start, 16), maxTokens: 128);
            int rows = ids.GetLength(0), cols = ids.GetLength(1);
            var flatIds = ids.Cast<long>().ToArray();
            var flatMask = mask.Cast<long>().ToArray();
            padded += flatMask.Count(m => m == 0);

            var (onnxHidden, onnxPooler) = RunOnnx(session, flatIds, flatMask, rows, cols);

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var idsT = tensor(flatIds, [rows, cols]);
            var maskT = tensor(flatMask, [rows, cols]);
            using var ours = bert.forward(idsT, maskT, zeros_like(idsT));
            var expectedHidden = tensor(onnxHidden, [rows, cols, 384]);
            var diff = (ours.LastHiddenState - expectedHidden).abs().amax([2]);     // [rows, cols]
            var real = maskT.to_type(ScalarType.Bool);
            maxHidden = Math.Max(maxHidden, diff.masked_select(real).max().item<float>());
            if (flatMask.Contains(0)) maxPadding = Math.Max(maxPadding, diff.masked_select(real.logical_not()).max().item<float>());
            maxPooler = Math.Max(maxPooler, ModelTestSupport.MaxAbsDiff(ours.PoolerOutput!, tensor(onnxPooler!, [rows, 384])));

            // Mean pooling over real tokens, computed from the ONNX output the way sentence-transformers does.
            var weights = maskT.to_type(ScalarType.Float32).unsqueeze(-1);
            var onnxMean = (expectedHidden * weights).sum(1) / weights.sum(1);
            maxMean = Math.Max(maxMean, ModelTestSupport.MaxAbsDiff(Pooling.Mean(ours.LastHiddenState, maskT), onnxMean));
        }
        output.WriteLine($"{comments.Count} comments, {padded} padding positions");
        output.WriteLine($"max |Δ| last_hidden_state (real tokens) {maxHidden:E2}, at padding {maxPadding:E2}, pooler {maxPooler:E2}, mean-pooled {maxMean:E2}");
        Assert.True(padded > 0, "the batches must contain padding");
        Assert.True(maxHidden <= 1e-4f, $"last_hidden_state max |Δ| {maxHidden}");
        Assert.True(maxPooler <= 1e-5f, $"pooler max |Δ| {maxPooler}");
        Assert.True(maxMean <= 1e-4f, $"mean pooling max |Δ| {maxMean}");
    }

    [Fact]
    public void Bf16_autocast_sentence_embeddings_stay_within_a_cosine_of_0_999_of_onnx_runtime()
    {
        var comments = ModelTestSupport.Comments(64);
        using var session = new InferenceSession(BundledMiniLm.ReadResource(BundledMiniLm.OnnxResource));
        var bert = fixture.Cached.Model.Bert;
        double worst = 1, sum = 0;
        for (int start = 0; start < comments.Count; start += 16)
        {
            var (ids, mask) = ModelTestSupport.Encode(comments.GetRange(start, 16), maxTokens: 128);
            int rows = ids.GetLength(0), cols = ids.GetLength(1);
            var flatIds = ids.Cast<long>().ToArray();
            var flatMask = mask.Cast<long>().ToArray();
            var (onnxHidden, _) = RunOnnx(session, flatIds, flatMask, rows, cols);

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var idsT = tensor(flatIds, [rows, cols]);
            var maskT = tensor(flatMask, [rows, cols]);
            BertModelOutput ours;
            using (Autocast.Enable(ScalarType.BFloat16)) ours = bert.forward(idsT, maskT, zeros_like(idsT));
            using var _ = ours;
            Assert.Equal(ScalarType.Float32, ours.LastHiddenState.dtype);
            var cosine = nn.functional.cosine_similarity(Pooling.Mean(ours.LastHiddenState, maskT),
                                                         Pooling.Mean(tensor(onnxHidden, [rows, cols, 384]), maskT), 1);
            worst = Math.Min(worst, cosine.min().item<float>());
            sum += cosine.sum().item<float>();
        }
        output.WriteLine($"bf16 autocast vs ONNX Runtime (fp32), mean-pooled embeddings of {comments.Count} comments: cosine min {worst:F5}, mean {sum / comments.Count:F5}");
        Assert.True(worst >= 0.999, $"worst cosine {worst}");
        Assert.True(worst < 1 - 1e-7, "bf16 must differ from fp32 somewhere");
    }

    /// <summary>model.onnx on one batch: last_hidden_state [rows × cols × 384] and the pooler output (the other output:
    /// "924" in MiniLM's; null when the model has none, as arctic-xs's) [rows × 384].</summary>
    internal static (float[] Hidden, float[]? Pooler) RunOnnx(InferenceSession session, long[] ids, long[] mask, int rows, int cols)
    {
        var dims = new[] { rows, cols };
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, dims)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, dims)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[rows * cols], dims)),
        ]);
        return (results.First(r => r.Name == "last_hidden_state").AsTensor<float>().ToArray(),
                results.FirstOrDefault(r => r.Name != "last_hidden_state")?.AsTensor<float>().ToArray());
    }

    [Fact]
    public void Converted_model_has_the_published_architecture_and_is_cached()
    {
        var model = fixture.Cached;
        Assert.Equal(22_713_216, model.Model.Bert.ParameterCount);
        Assert.Equal(6, model.Config.NumHiddenLayers);
        Assert.Equal(384, model.Config.HiddenSize);
        Assert.Equal(1e-12, model.Config.LayerNormEps);
        Assert.Equal(PoolingMode.Mean, model.Config.Pooling);
        Assert.True(fixture.Converted.Source.ConvertedNow);
        Assert.False(model.Source.ConvertedNow);
        Assert.Equal(MiniLmCache.ModelDirectory, model.Source.Directory);
        Assert.StartsWith("[PAD]\n", File.ReadAllText(model.VocabPath)[..6]);
        Assert.DoesNotContain('\r', File.ReadAllText(model.VocabPath));
        Assert.True(model.DoLowerCase);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(MiniLmCache.ModelDirectory)!, ".*"));  // no temp dirs left

        // Both loads hold the same weights.
        using var scope = NewDisposeScope();
        foreach (var ((name, a), (_, b)) in fixture.Converted.Model.Bert.named_parameters().Zip(model.Model.Bert.named_parameters()))
            Assert.True(a.eq(b).all().item<bool>(), name);

        output.WriteLine($"first load (convert + cache) {fixture.ConvertTime.TotalMilliseconds:F0} ms, cached load {fixture.CachedLoadTime.TotalMilliseconds:F0} ms, " +
                         $"RSS after both loads {fixture.RssAfterCachedLoad / 1048576} MB");
        // Load time is a benchmark (bench/), not a test: a shared CI machine took 1.6 s once. That the second load
        // skipped the conversion is what ConvertedNow == false above proves.
    }
}
