using Onnx;
using TextTagger.Export;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Export;

/// <summary>int8 weights in 7 bits (the default, ±63) or 8 (±127): what the file holds, and the refusal of other widths.</summary>
[Collection(TorchRandomCollection.Name)]
public class Int8WeightBitsTests
{
    static readonly string[] Labels = ["toxic", "insult"];

    [Theory]
    [InlineData(7, 63)]
    [InlineData(8, 127)]
    public void The_largest_quantized_weight_of_every_column_is_the_range_limit(int bits, int limit)
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels, initializerRange: 0.2);
        // Through the command line: --int8-bits reaches the exporter.
        var exported = CliRunner.Run("export", "--model", model, "--out", folder["int8"], "--quantize", "int8", "--int8-bits", $"{bits}", "--fused");
        Assert.True(exported.ExitCode == 0, exported.Error);
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder["int8"], "model.onnx"))).Graph;
        // Matrix weights (not the embedding table, which always uses ±127 with a scale per row).
        var matrices = graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Int8 && t.Dims.Count == 2 && t.Name.Contains("weight_t")).ToList();
        Assert.Equal(2 * 4 + 2, matrices.Count);   // per layer: QKV, attention output, intermediate, output; pooler; classifier
        foreach (var matrix in matrices)
            Assert.Equal(limit, matrix.RawData.Span.ToArray().Max(b => Math.Abs((int)(sbyte)b)));
    }

    [Fact]
    public void Other_widths_are_refused_in_one_message()
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels);
        var error = Assert.Throws<TextTaggerException>(() =>
            OnnxExporter.Export(model, folder["int8"], new OnnxExportOptions { Quantize = OnnxQuantization.Int8, Int8WeightBits = 4 }));
        Assert.Equal("int8 weight bits must be 7 or 8, got 4", error.Message);
        var flag = CliRunner.Run("export", "--model", model, "--out", folder["int8"], "--quantize", "int8", "--int8-bits", "4");
        Assert.NotEqual(0, flag.ExitCode);
        Assert.Contains("'4'", flag.Error);
        var fp32 = CliRunner.Run("export", "--model", model, "--out", folder["int8"], "--int8-bits", "8");
        Assert.Equal(1, fp32.ExitCode);
        Assert.Equal("error: --int8-bits applies to --quantize int8 only", fp32.Error.Trim());
        Assert.False(Directory.Exists(folder["int8"]));
    }
}
