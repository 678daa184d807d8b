using TextTagger.Inference.Engines;
using TextTagger.ModelFiles;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;

namespace TextTagger.Inference;

/// <summary>Opens TorchSharp weights (model.safetensors / pytorch_model.bin) or the bundled "minilm".</summary>
internal sealed class TorchEngineProvider : IEngineProvider
{
    public EngineKind Kind => EngineKind.TorchSharp;

    public bool CanOpen(string model, ModelDirectory? files) =>
        files?.WeightsPath != null || string.Equals(model, BundledMiniLm.Name, StringComparison.OrdinalIgnoreCase);

    public LoadedEngine Open(string model, ModelDirectory? files, EngineRequest request)
    {
        var computeType = ComputePrecision.Resolve(request.Precision);
        TorchRuntime.SetThreads(request.Threads);
        var loaded = PretrainedModel.Load(model, request.Labels);
        var engine = new TorchEngine(loaded.Model, computeType, owner: loaded);
        return new LoadedEngine(engine, loaded.Labels, loaded.VocabPath, loaded.DoLowerCase, loaded.Thresholds, loaded.MaxTokens,
                                loaded.Config.MaxPositionEmbeddings, loaded.Source.ToString());
    }
}
