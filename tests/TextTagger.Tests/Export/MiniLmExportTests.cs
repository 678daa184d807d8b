using TextTagger.Export;
using TextTagger.Inference;
using TextTagger.Modeling.Pretrained;
using TextTagger.Tests.Modeling;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Export;

/// <summary>The bundled MiniLM with a random head, exported: fp32 equal to TorchSharp on real comments, int8 close.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class MiniLmExportTests : IDisposable
{
    static readonly string[] Labels = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"];
    readonly TempFolder _folder = new();
    readonly string _model;
    readonly string[] _comments = SharedData.Comments.Take(256).ToArray();

    public MiniLmExportTests(MiniLmFixture fixture)
    {
        _ = fixture;   // points TEXTTAGGER_CACHE at a private folder
        _model = _folder["model"];
        using var pretrained = PretrainedModel.Load("minilm", Labels);
        pretrained.Save(_model, maxTokens: 128);
    }

    [Fact]
    public void Fp32_export_gives_torchsharp_logits_on_256_real_comments_within_1e_4()
    {
        OnnxExporter.Export(_model, _folder["fp32"]);
        using var torch = Tagger.Load(_model);
        using var onnx = Tagger.Load(_folder["fp32"]);
        Assert.Equal("onnxruntime", onnx.EngineName);
        Assert.Equal(128, onnx.MaxTokens);
        double diff = OnnxExportTests.ModelMaxAbsDiff(torch.PredictLogits(_comments), onnx.PredictLogits(_comments));
        Assert.True(diff <= 1e-4, $"max |Δ logit| {diff}");
    }

    [Fact]
    public void Int8_export_quantizes_every_encoder_and_head_matrix_product_and_stays_close()
    {
        var result = OnnxExporter.Export(_model, _folder["int8"], new OnnxExportOptions { Quantize = OnnxQuantization.Int8 });
        Assert.Equal(TextTagger.Inference.Engines.Precision.Int8, result.Precision);
        Assert.Equal(6 * 6 + 1, result.QuantizedMatMuls);   // q, k, v, attention output, intermediate, output per layer; classifier
        long fp32Bytes = new FileInfo(Path.Combine(_model, "model.safetensors")).Length;
        // Matrix-product weights and the word-embedding table in int8: about a quarter of the float32 bytes.
        Assert.True(result.OnnxBytes < fp32Bytes * 0.3, $"{result.OnnxBytes} bytes vs {fp32Bytes}");

        using var torch = Tagger.Load(_model);
        using var int8 = Tagger.Load(_folder["int8"]);
        Assert.Equal(TextTagger.Inference.Engines.Precision.Int8, int8.Precision);
        var expected = torch.PredictProbabilities(_comments);
        var actual = int8.PredictProbabilities(_comments);
        double mean = 0, max = 0;
        foreach (var (a, b) in expected.Cast<double>().Zip(actual.Cast<double>()))
        {
            mean += Math.Abs(a - b);
            max = Math.Max(max, Math.Abs(a - b));
        }
        mean /= expected.Length;
        Assert.True(mean < 0.01 && max < 0.05, $"mean |Δp| {mean}, max {max}");
        Assert.True(mean > 0, "int8 cannot be exactly fp32");
    }

    public void Dispose() => _folder.Dispose();
}
