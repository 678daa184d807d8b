using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>The encoder's two outputs: every token's vector [batch, seq, hidden] and the pooler's [batch, hidden]
/// (null for a model built without the pooling layer).</summary>
public sealed record BertModelOutput(Tensor LastHiddenState, Tensor? PoolerOutput) : IDisposable
{
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PoolerOutput?.Dispose();
    }
}
