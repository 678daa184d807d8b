using TextTagger.Modeling.Pretrained;
namespace TextTagger.Tests;
public class BundledMiniLmProbe
{
    [Fact]
    public void Reads_vocab_and_onnx_resources()
    {
        var vocab = BundledMiniLm.ReadResource(BundledMiniLm.VocabResource);
        var onnx = BundledMiniLm.ReadResource(BundledMiniLm.OnnxResource);
        var text = System.Text.Encoding.UTF8.GetString(vocab);
        Assert.StartsWith("[PAD]", text);
        Assert.Equal(30522, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(onnx.Length > 80_000_000, onnx.Length.ToString());
    }
}
