using TextTagger.Tokenization;

namespace TextTagger.Inference.Engines;

/// <summary>
/// What turns padded token ids into logits: TorchSharp (the model as trained, fp32 or bf16) or ONNX Runtime (an
/// exported model.onnx, fp32 or int8). Everything else — tokenizer, length sorting, dynamic padding, thresholds,
/// streaming — is shared (<see cref="LogitsRunner"/>, <see cref="Tagger"/>). Implementations are thread-safe.
/// </summary>
public interface IInferenceEngine : IDisposable
{
    /// <summary>"torchsharp" or "onnxruntime".</summary>
    string Name { get; }
    /// <summary>"fp32", "bf16" or "int8": the type of the matrix products.</summary>
    Precision Precision { get; }
    int LabelCount { get; }
    /// <summary>Logits [batch × labels], row-major, for one padded batch.</summary>
    float[] Forward(PaddedBatch batch);
}
