using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>The encoder's two outputs: every token's vector [batch, seq, hidden] and the pooler's [batch, hidden].</summary>
public sealed record BertModelOutput(Tensor LastHiddenState, Tensor PoolerOutput) : IDisposable
{
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PoolerOutput.Dispose();
    }
}
