using TextTagger.ModelFiles;

namespace TextTagger.Inference.Engines;

/// <summary>An engine with what the tagger needs to know about its model.</summary>
/// <param name="Source">Where the model came from, for `model info` and logs.</param>
public sealed record LoadedEngine(IInferenceEngine Engine, IReadOnlyList<string> Labels, string VocabPath, bool DoLowerCase,
                                  ModelFiles.ModelThresholds? Thresholds, int? MaxTokens, int MaxPositions, string Source);

/// <summary>Opens a model directory (or a name such as "minilm") with one kind of engine.</summary>
public interface IEngineProvider
{
    EngineKind Kind { get; }
    /// <summary>True when this provider can run what <paramref name="model"/> names without being told.</summary>
    bool CanOpen(string model, ModelDirectory? files);
    LoadedEngine Open(string model, ModelDirectory? files, TaggerOptions options);
}

/// <summary>
/// Picks the engine for a transformer: ONNX Runtime is built in; the TorchSharp engine comes from the options or from
/// TextTagger.Torch when the app carries it (<see cref="OptionalComponents"/>), so a deployment that references only
/// the core library carries no libtorch.
/// </summary>
public static class InferenceEngines
{
    static readonly IEngineProvider OnnxRuntime = new OnnxRuntimeProvider();

    /// <summary>Opens <see cref="TaggerOptions.ModelPath"/> with the chosen engine; <see cref="EngineKind.Auto"/>:
    /// model.onnx when the directory has one, else TorchSharp weights.</summary>
    public static LoadedEngine Open(TaggerOptions options)
    {
        string model = options.ModelPath;
        if (string.IsNullOrWhiteSpace(model)) throw new InvalidOptionException(nameof(TaggerOptions.ModelPath), "is empty: give a model directory");
        IEngineProvider[] providers = [OnnxRuntime, .. options.Engines, .. OptionalComponents.Engines];
        bool isDirectory = Directory.Exists(model);
        var files = isDirectory ? ModelDirectory.Open(model) : null;

        IEngineProvider? chosen = options.Engine == EngineKind.Auto
            ? providers.FirstOrDefault(p => p.CanOpen(model, files))
            : providers.FirstOrDefault(p => p.Kind == options.Engine);
        if (chosen != null) return chosen.Open(model, files, options);

        if (files == null) ModelDirectory.Open(model);          // not a directory: says "not found" with the path
        if (files!.WeightsPath == null) files.RequireWeights();  // neither weights nor model.onnx: says so
        throw new TextTaggerException(
            $"{files.Directory} holds TorchSharp weights ({Path.GetFileName(files.WeightsPath)}) and no {ModelDirectory.OnnxFile}; " +
            "this program has only the ONNX Runtime engine: export it (texttagger export --model DIR --out DIR2) and use the " +
            "exported directory, or add the TextTagger.Torch package.");
    }
}
