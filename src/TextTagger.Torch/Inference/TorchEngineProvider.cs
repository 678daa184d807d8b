using TextTagger.Inference.Engines;
using TextTagger.ModelFiles;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;

namespace TextTagger.Inference;

/// <summary>Opens TorchSharp weights (model.safetensors / pytorch_model.bin) or a bundled encoder ("minilm", "arctic-xs").</summary>
public sealed class TorchEngineProvider : IEngineProvider
{
    public EngineKind Kind => EngineKind.TorchSharp;

    public bool CanOpen(string model, ModelDirectory? files) =>
        files?.WeightsPath != null || BundledEncoder.Find(model) != null;

    public LoadedEngine Open(string model, ModelDirectory? files, TaggerOptions request)
    {
        NativeHeap.ForInference();   // the allocator settings an inference process wants, set when a model first loads
        var computeType = ComputePrecision.Resolve(request.Precision);
        TorchRuntime.SetThreads(request.Threads);
        var loaded = PretrainedModel.Load(model, request.Labels);
        var engine = new TorchEngine(loaded.Model, computeType, owner: loaded);
        // The directory's rules (policy, tune precision and recall) when the model keeps its head and thresholds.
        var thresholds = loaded.Thresholds == null ? null : files?.Thresholds ?? ModelThresholds.Given(loaded.Labels, loaded.Thresholds);
        return new LoadedEngine(engine, loaded.Labels, loaded.VocabPath, loaded.DoLowerCase, thresholds, loaded.MaxTokens,
                                loaded.Config.MaxPositionEmbeddings, loaded.Source.ToString());
    }
}

public static class TorchSharpOptionsExtensions
{
    /// <summary>Lets these options open TorchSharp weights and "minilm" (found without it when the app carries
    /// TextTagger.Torch; this makes it explicit).</summary>
    public static TaggerOptions UseTorchSharp(this TaggerOptions options)
    {
        if (!options.Engines.Any(e => e is TorchEngineProvider)) options.Engines.Add(new TorchEngineProvider());
        return options;
    }
}
