using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>Pooling of token vectors into one vector per text.</summary>
public static class Pooling
{
    /// <summary>Mean of the token vectors at non-padding positions, as sentence-transformers computes it.</summary>
    /// <param name="lastHiddenState">[batch, seq, hidden].</param>
    /// <param name="attentionMask">[batch, seq] 1/0; null: every position counts.</param>
    public static Tensor Mean(Tensor lastHiddenState, Tensor? attentionMask)
    {
        if (attentionMask is null) return lastHiddenState.mean([1]);
        using var scope = NewDisposeScope();
        var weights = attentionMask.to_type(lastHiddenState.dtype).unsqueeze(-1);
        var summed = (lastHiddenState * weights).sum(1);
        var counts = weights.sum(1).clamp_min(1e-9);
        return (summed / counts).MoveToOuterDisposeScope();
    }
}
