using System.Text.Json.Nodes;
using TextTagger.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace TextTagger.Modeling.Pretrained;

/// <summary>
/// A bundled encoder (all-MiniLM-L6-v2, snowflake-arctic-embed-xs), converted once from its package's ONNX model
/// into a Hugging Face directory under the per-user cache: $TEXTTAGGER_CACHE, else $XDG_CACHE_HOME/texttagger,
/// else ~/.cache/texttagger; then models/&lt;Hugging Face name&gt;.
/// </summary>
public static class MiniLmCache
{
    public const string SourceFile = "source.json";

    public static string CacheRoot
    {
        get
        {
            string? own = Environment.GetEnvironmentVariable("TEXTTAGGER_CACHE");
            if (!string.IsNullOrEmpty(own)) return Path.GetFullPath(own);
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrEmpty(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(Path.GetFullPath(root), "texttagger");
        }
    }

    public static string ModelDirectory => DirectoryFor(BundledEncoder.MiniLm);

    /// <summary>True when an earlier conversion left a complete directory (it is written atomically).</summary>
    public static bool IsReady(string directory) =>
        File.Exists(Path.Combine(directory, ModelFiles.ModelDirectory.ConfigFile)) &&
        File.Exists(Path.Combine(directory, ModelFiles.ModelDirectory.VocabFile)) &&
        File.Exists(Path.Combine(directory, ModelFiles.ModelDirectory.SafetensorsFile)) &&
        File.Exists(Path.Combine(directory, SourceFile));

    /// <summary>The published architecture of all-MiniLM-L6-v2 (sentence-transformers), mean-pooled.</summary>
    public static BertConfig Config() => BundledEncoder.MiniLm.Config();

    /// <summary>The cache directory of a bundled encoder: models/&lt;its Hugging Face name&gt;.</summary>
    public static string DirectoryFor(BundledEncoder encoder) => Path.Combine(CacheRoot, "models", encoder.ModelName);

    public static StateDictLoadReport ConvertInto(BertForMultiLabelClassification model, string directory, string? packageDll = null) =>
        ConvertInto(BundledEncoder.MiniLm, model, directory, packageDll);

    /// <summary>
    /// Converts the package's model.onnx to Hugging Face tensors, checks them strictly against <paramref name="model"/>
    /// (which receives the weights), and writes the cache directory atomically.
    /// </summary>
    public static StateDictLoadReport ConvertInto(BundledEncoder encoder, BertForMultiLabelClassification model, string directory,
                                                  string? packageDll = null)
    {
        packageDll ??= encoder.LocatePackageDll();
        string source = $"{packageDll}!{encoder.OnnxResource}";
        var onnx = encoder.ReadResource(encoder.OnnxResource, packageDll);
        var vocab = encoder.ReadResource(encoder.VocabResource, packageDll);
        using var tensors = new InMemoryTensorSource(source, OnnxBertConverter.Convert(onnx, source));
        onnx = null;

        var report = StateDictLoader.Load(model, tensors, keepClassifier: false);
        if (encoder.HasPooler && !report.PoolerLoaded) throw new TextTaggerException($"{source}: the pooler weights are missing.");

        var config = encoder.Config();
        AtomicDirectory.Write(directory, temp =>
        {
            config.Save(Path.Combine(temp, ModelFiles.ModelDirectory.ConfigFile));
            HfFiles.WriteVocabulary(Path.Combine(temp, ModelFiles.ModelDirectory.VocabFile), vocab);
            HfFiles.WriteTokenizerConfig(temp, encoder.DoLowerCase, config.MaxPositionEmbeddings);
            var ordered = tensors.Names.Where(n => !n.EndsWith("position_ids")).OrderBy(n => n, StringComparer.Ordinal)
                .Select(n => new KeyValuePair<string, Tensor>(n, tensors.Read(n))).ToList();
            try { SafetensorsFile.Write(Path.Combine(temp, ModelFiles.ModelDirectory.SafetensorsFile), ordered); }
            finally { foreach (var (_, t) in ordered) t.Dispose(); }
            var sourceJson = new JsonObject
            {
                ["package"] = encoder.PackageId,
                ["version"] = encoder.PackageVersion,
                ["resource"] = encoder.OnnxResource,
                ["converted_utc"] = DateTime.UtcNow.ToString("O"),
            };
            File.WriteAllText(Path.Combine(temp, SourceFile), sourceJson.ToJsonString() + "\n");
        }, replaceExisting: false);
        return report;
    }
}
