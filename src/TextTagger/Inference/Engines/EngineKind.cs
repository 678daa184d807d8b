namespace TextTagger.Inference.Engines;

/// <summary>The <c>--engine</c> choice.</summary>
public enum EngineKind
{
    /// <summary>model.onnx when the directory has one, else the TorchSharp weights.</summary>
    Auto,
    TorchSharp,
    OnnxRuntime,
}

public static class EngineKinds
{
    public static readonly string[] Names = ["auto", "torch", "onnx"];

    public static EngineKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "auto" => EngineKind.Auto,
        "torch" or "torchsharp" => EngineKind.TorchSharp,
        "onnx" or "onnxruntime" or "ort" => EngineKind.OnnxRuntime,
        _ => throw new TextTaggerException($"engine must be one of {string.Join(", ", Names)}, got '{name}'"),
    };
}
