using TextTagger.ModelFiles;

namespace TextTagger.Inference.Engines;

/// <summary>What <see cref="Tagger.Load"/> asks of an engine besides the directory.</summary>
/// <param name="Labels">Labels for a fresh head (the bundled "minilm" only); null: the model's own.</param>
/// <param name="Precision">A <see cref="Engines.Precision"/> name.</param>
/// <param name="Threads">Intra-op threads; 0: one per core.</param>
public sealed record EngineRequest(IReadOnlyList<string>? Labels = null, Precision Precision = Precision.Fp32, int Threads = 0);

/// <summary>An engine with what the tagger needs to know about its model.</summary>
/// <param name="Source">Where the model came from, for `model info` and logs.</param>
public sealed record LoadedEngine(IInferenceEngine Engine, IReadOnlyList<string> Labels, string VocabPath, bool DoLowerCase,
                                  IReadOnlyDictionary<string, float>? Thresholds, int? MaxTokens, int MaxPositions, string Source);

/// <summary>Opens a model directory (or a name such as "minilm") with one kind of engine.</summary>
public interface IEngineProvider
{
    EngineKind Kind { get; }
    /// <summary>True when this provider can run what <paramref name="model"/> names without being told.</summary>
    bool CanOpen(string model, ModelDirectory? files);
    LoadedEngine Open(string model, ModelDirectory? files, EngineRequest request);
}

/// <summary>
/// The engines this process has. ONNX Runtime is always there; the TorchSharp engine is added by TextTagger.Torch
/// (<c>TorchEngine.Register()</c>, which the CLI and training call), so a deployment that references only the core
/// library and the server carries no libtorch.
/// </summary>
public static class InferenceEngines
{
    static readonly Lock Gate = new();
    static readonly List<IEngineProvider> Providers = [new OnnxRuntimeProvider()];

    public static void Register(IEngineProvider provider)
    {
        lock (Gate)
            if (!Providers.Any(p => p.Kind == provider.Kind)) Providers.Add(provider);
    }

    /// <summary>Opens <paramref name="model"/> with the chosen engine; <see cref="EngineKind.Auto"/>: model.onnx when the
    /// directory has one, else TorchSharp weights.</summary>
    public static LoadedEngine Open(string model, EngineKind kind, EngineRequest request)
    {
        if (string.IsNullOrWhiteSpace(model)) throw new TextTaggerException("No model given: pass --model DIR.");
        IEngineProvider[] providers;
        lock (Gate) providers = [.. Providers];
        bool isDirectory = Directory.Exists(model);
        var files = isDirectory ? ModelDirectory.Open(model) : null;

        IEngineProvider? chosen = kind == EngineKind.Auto
            ? providers.OrderBy(p => p.Kind == EngineKind.OnnxRuntime ? 0 : 1).FirstOrDefault(p => p.CanOpen(model, files))
            : providers.FirstOrDefault(p => p.Kind == kind);
        if (chosen != null) return chosen.Open(model, files, request);

        if (files == null) ModelDirectory.Open(model);          // not a directory: says "not found" with the path
        if (files!.WeightsPath == null) files.RequireWeights();  // neither weights nor model.onnx: says so
        throw new TextTaggerException(
            $"{files.Directory} holds TorchSharp weights ({Path.GetFileName(files.WeightsPath)}) and no {ModelDirectory.OnnxFile}; " +
            "this program has only the ONNX Runtime engine: export it (texttagger export --model DIR --out DIR2) and use the " +
            "exported directory, or reference TextTagger.Torch and call TextTagger.Inference.TorchEngine.Register().");
    }
}
