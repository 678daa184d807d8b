using TextTagger.Export;
using TextTagger.Inference;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Export;

/// <summary>
/// What ONNX Runtime fuses in our exports (<see cref="OnnxFusionReport"/>), counted on a tiny random BERT (2 layers),
/// so an exporter change that loses a fusion fails here; and the fused export (--fused) gives the standard export's
/// and TorchSharp's logits.
/// </summary>
[Collection(TorchRandomCollection.Name)]
public class OnnxFusionTests
{
    static readonly string[] Labels = ["toxic", "insult", "threat"];
    const int Layers = 2;   // TinyModelDirectory's

    [Theory]
    [InlineData(PoolingMode.Cls)]
    [InlineData(PoolingMode.Mean)]
    public void Fused_fp32_export_gives_the_standard_exports_and_torchsharps_logits_within_1e_4(PoolingMode pooling)
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels, pooling, initializerRange: 0.2);
        OnnxExporter.Export(model, folder["standard"]);
        var result = OnnxExporter.Export(model, folder["fused"], new OnnxExportOptions { Fused = true });
        Assert.True(result.MaxAbsLogitDifference <= 1e-4, $"probe Δ {result.MaxAbsLogitDifference}");

        var texts = OnnxExportTests.WordTexts(256, seed: 3);   // 0 … 40 words: batches mix lengths and padding
        using var torch = Tagger.Load(new TaggerOptions { ModelPath = model, BatchSize = 16 });
        using var standard = Tagger.Load(new TaggerOptions { ModelPath = folder["standard"], BatchSize = 16 });
        using var fused = Tagger.Load(new TaggerOptions { ModelPath = folder["fused"], BatchSize = 16 });
        var expected = torch.PredictLogits(texts);
        var flat = expected.Cast<float>().ToArray();
        Assert.True(flat.Max() - flat.Min() > 0.5, $"logits span only {flat.Max() - flat.Min()}");
        var actual = fused.PredictLogits(texts);
        Assert.True(OnnxExportTests.ModelMaxAbsDiff(expected, actual) <= 1e-4, $"vs TorchSharp: max |Δ| {OnnxExportTests.ModelMaxAbsDiff(expected, actual)}");
        var portable = standard.PredictLogits(texts);
        Assert.True(OnnxExportTests.ModelMaxAbsDiff(portable, actual) <= 1e-4, $"vs the standard export: max |Δ| {OnnxExportTests.ModelMaxAbsDiff(portable, actual)}");

        // int8 with QAttention: within the bound the standard int8 export is held to (ExportErrorTests), relative to the logits.
        OnnxExporter.Export(model, folder["fused-int8"], new OnnxExportOptions { Fused = true, Quantize = OnnxQuantization.Int8 });
        using var int8 = Tagger.Load(new TaggerOptions { ModelPath = folder["fused-int8"], BatchSize = 16 });
        double signal = flat.Max(x => Math.Abs((double)x)), error = OnnxExportTests.ModelMaxAbsDiff(expected, int8.PredictLogits(texts));
        Assert.True(error > 0 && error <= 0.1 * signal, $"fused int8: max |Δ logit| {error} against logits up to {signal}");
    }

    [Fact]
    public void The_standard_export_keeps_its_gelu_and_int8_fusions_and_no_contrib_operator_is_written()
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels);
        var fp32 = OnnxFusionReport.Optimize(OnnxExporter.Export(model, folder["fp32"]).OnnxPath);
        var int8Export = OnnxExporter.Export(model, folder["int8"], new OnnxExportOptions { Quantize = OnnxQuantization.Int8 });
        var int8 = OnnxFusionReport.Optimize(int8Export.OnnxPath);

        Assert.Equal(Layers, fp32.Count("BiasGelu"));   // the Erf GELU and its bias, fused
        Assert.Equal(0, fp32.Count("Erf"));
        Assert.Equal(2 * Layers + 1, fp32.Count("LayerNormalization"));
        // ONNX Runtime's Attention and SkipLayerNormalization fusions do not match a graph of dynamic sequence length.
        Assert.Equal(0, fp32.Count("Attention") + fp32.Count("SkipLayerNormalization"));
        // Every quantized matrix product runs as one fused int8 kernel; none is left as MatMulInteger + Cast + Mul.
        Assert.Equal(6 * Layers + 2, int8Export.QuantizedMatMuls);
        Assert.Equal(int8Export.QuantizedMatMuls, int8.Count("MatMulIntegerToFloat") + int8.Count("DynamicQuantizeMatMul"));
        Assert.Equal(0, int8.Count("MatMulInteger"));
        Assert.Equal(Layers, int8.Count("Gelu"));
    }

    [Fact]
    public void The_fused_export_runs_each_layer_as_one_attention_and_two_skip_layer_norms()
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels);
        var fp32 = OnnxFusionReport.Optimize(OnnxExporter.Export(model, folder["fp32"], new OnnxExportOptions { Fused = true }).OnnxPath);
        var int8Export = OnnxExporter.Export(model, folder["int8"], new OnnxExportOptions { Fused = true, Quantize = OnnxQuantization.Int8 });
        var int8 = OnnxFusionReport.Optimize(int8Export.OnnxPath);

        Assert.Equal(Layers, fp32.Count("Attention"));
        Assert.Equal(Layers, int8.Count("QAttention"));
        foreach (var report in new[] { fp32, int8 })
        {
            Assert.Equal(2 * Layers, report.Count("SkipLayerNormalization"));
            Assert.Equal(1, report.Count("LayerNormalization"));   // the embeddings'
            Assert.Equal(0, report.Count("Softmax") + report.Count("Transpose") + report.Count("Erf"));
        }
        Assert.Equal(Layers, fp32.Count("BiasGelu"));
        Assert.Equal(3 * Layers, fp32.Count("MatMul"));   // attention output, intermediate, output: the rest is in Attention
        // int8: as many products as the standard export, Q, K and V in QAttention, the others each one fused kernel.
        Assert.Equal(6 * Layers + 2, int8Export.QuantizedMatMuls);
        Assert.Equal(int8Export.QuantizedMatMuls, 3 * int8.Count("QAttention") + int8.Count("MatMulIntegerToFloat") + int8.Count("DynamicQuantizeMatMul"));
        Assert.Equal(0, int8.Count("MatMulInteger") + int8.Count("MatMul") + int8.Count("Attention"));
    }

    [Fact]
    public void Export_fused_on_the_command_line_and_a_missing_file_for_the_report_is_one_message()
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels, initializerRange: 0.2);
        var run = CliRunner.Run("export", "--model", model, "--out", folder["onnx"], "--fused");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Matches(@"exported .*model\.onnx \(fp32, [0-9.]+ MB\); ONNX Runtime vs TorchSharp on 6 probe texts", run.Output);
        Assert.Equal(Layers, OnnxFusionReport.Optimize(folder.Combine("onnx", "model.onnx")).Count("Attention"));

        string missing = folder.Combine("nowhere", "model.onnx");
        var error = Assert.Throws<TextTaggerException>(() => OnnxFusionReport.Optimize(missing));
        Assert.Equal($"{missing} not found.", error.Message);
    }
}
