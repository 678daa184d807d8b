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
        var result = OnnxExporter.Export(model, folder["int8"], new OnnxExportOptions { Quantize = OnnxQuantization.Int8, Int8WeightBits = bits, Fused = true });
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OnnxPath)).Graph;
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
        Assert.False(Directory.Exists(folder["int8"]));
    }
}
