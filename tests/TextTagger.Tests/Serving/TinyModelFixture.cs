using TextTagger.Inference;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Serving;

/// <summary>One tiny random-weight model directory (labels toxic, insult, threat) and a tagger loaded from it.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public static readonly string[] Labels = ["toxic", "insult", "threat"];

    readonly TempFolder _folder = new();

    public TinyModelFixture()
    {
        Directory = TinyModelDirectory.Create(_folder.Combine("model"), Labels);
        Tagger = Tagger.Load(Directory);
        Exported = TextTagger.Export.OnnxExporter.Export(Directory, _folder.Combine("exported")).Directory;
    }

    public string Directory { get; }
    /// <summary>The same model exported to ONNX (fp32).</summary>
    public string Exported { get; }
    public Tagger Tagger { get; }

    public static readonly string[] Texts =
        ["good nice kind", "bad", "ugly rude angry hate hate hate w1 w2 w3", "love", "", "calm w5 w7 happy sad w40 w41 w42 w43"];

    public void Dispose()
    {
        Tagger.Dispose();
        _folder.Dispose();
    }
}
