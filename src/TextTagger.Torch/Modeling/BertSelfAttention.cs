using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// Multi-head self-attention projections (query, key, value) and the attention itself, through libtorch's
/// scaled_dot_product_attention. Attention dropout is applied only while training (SDPA would apply it in eval too).
/// Under <see cref="Autocast"/> the projections run in the compute type and the attention itself in float32: on CPU
/// that is faster for training (libtorch's fused float32 kernel, and its backward, beat bfloat16's; BENCHMARKS.md).
/// </summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    readonly Linear query;
    readonly Linear key;
    readonly Linear value;
    readonly int heads;
    readonly int headDim;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        heads = config.NumAttentionHeads;
        headDim = config.HeadDim;
        DropoutProbability = config.AttentionProbsDropoutProb;
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        register_module("query", query);
        register_module("key", key);
        register_module("value", value);
    }

    /// <summary>Dropout on the attention probabilities while training (config's attention_probs_dropout_prob unless
    /// <see cref="BertForMultiLabelClassification.SetAttentionDropout"/> set another).</summary>
    public double DropoutProbability { get; set; }

    /// <param name="hidden">[batch, seq, hidden].</param>
    /// <param name="additiveMask">[batch, 1, 1, seq]: 0 where attended, a large negative number at padding; or null.</param>
    /// <returns>[batch, seq, hidden]: the heads' context vectors, concatenated.</returns>
    public override Tensor forward(Tensor hidden, Tensor? additiveMask)
    {
        using var scope = NewDisposeScope();
        long batch = hidden.shape[0], seq = hidden.shape[1];
        var input = Autocast.Input(hidden);   // cast once for the three projections, not once each
        Tensor Heads(Linear projection) =>
            Autocast.Linear(projection, input).to_type(ScalarType.Float32).view(batch, seq, heads, headDim).transpose(1, 2);

        double p = training ? DropoutProbability : 0.0;
        var context = nn.functional.scaled_dot_product_attention(Heads(query), Heads(key), Heads(value), additiveMask, p);
        return context.transpose(1, 2).reshape(batch, seq, heads * headDim).MoveToOuterDisposeScope();
    }
}
