using TextTagger.ModelFiles;
using TextTagger.Inference;

namespace TextTagger.Inference.Engines;

/// <summary>Opens a model directory's model.onnx (written by <c>texttagger export</c>) on ONNX Runtime.</summary>
internal sealed class OnnxRuntimeProvider : IEngineProvider
{
    public EngineKind Kind => EngineKind.OnnxRuntime;

    public bool CanOpen(string model, ModelDirectory? files) => files?.OnnxPath != null;

    public LoadedEngine Open(string model, ModelDirectory? files, TaggerOptions request)
    {
        files ??= ModelDirectory.Open(model);
        if (files.OnnxPath == null)
            throw new TextTaggerException($"{files.Directory} has no {ModelDirectory.OnnxFile}: export it first " +
                                          $"(texttagger export --model {files.Directory} --out DIR) or use --engine torch");
        if (request.Precision == Precision.Bf16)
            throw new TextTaggerException("precision bf16 is for the TorchSharp engine; an ONNX model runs in the precision it was exported with (fp32 or int8)");
        if (request.Labels != null && !request.Labels.SequenceEqual(files.Labels))
            throw new TextTaggerException($"{files.Directory}: an exported model keeps its labels ({string.Join(", ", files.Labels)})");
        if (files.Labels.Count == 0)
            throw new TextTaggerException($"{files.Directory}: config.json names no labels (id2label)");
        var engine = OnnxRuntimeEngine.Open(files.OnnxPath, files.Labels.Count, request.Threads);
        return new LoadedEngine(engine, files.Labels, files.VocabPath, files.DoLowerCase, files.Thresholds, files.MaxTokens,
                                files.Config.MaxPositionEmbeddings, $"ONNX model {files.OnnxPath} ({engine.Precision.Name()})");
    }
}
