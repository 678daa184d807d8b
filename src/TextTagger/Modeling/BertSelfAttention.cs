using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// Multi-head self-attention projections (query, key, value) and the attention itself, through libtorch's
/// scaled_dot_product_attention. Attention dropout is applied only while training (SDPA would apply it in eval too).
/// Under <see cref="Autocast"/> the projections and the attention run in the compute type (the mask must be of it).
/// </summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    readonly Linear query;
    readonly Linear key;
    readonly Linear value;
    readonly int heads;
    readonly int headDim;
    readonly BertConfig config;   // attention_probs_dropout_prob is read at each forward: training may change it

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        heads = config.NumAttentionHeads;
        headDim = config.HeadDim;
        this.config = config;
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        register_module("query", query);
        register_module("key", key);
        register_module("value", value);
    }

    /// <param name="hidden">[batch, seq, hidden].</param>
    /// <param name="additiveMask">[batch, 1, 1, seq]: 0 where attended, a large negative number at padding; or null.</param>
    /// <returns>[batch, seq, hidden]: the heads' context vectors, concatenated.</returns>
    public override Tensor forward(Tensor hidden, Tensor? additiveMask)
    {
        using var scope = NewDisposeScope();
        long batch = hidden.shape[0], seq = hidden.shape[1];
        // Query, key and value in one matrix product, as nanoGPT's c_attn: one pass over the hidden states (and one cast
        // under autocast) instead of three. The weights stay three parameters with Hugging Face's names.
        var weight = cat([query.weight!, key.weight!, value.weight!]);
        var bias = cat([query.bias!, key.bias!, value.bias!]);
        var qkv = Autocast.Linear(hidden, weight, bias).view(batch, seq, 3, heads, headDim).permute(2, 0, 3, 1, 4);   // [3, batch, heads, seq, headDim]

        double p = training ? config.AttentionProbsDropoutProb : 0.0;
        var context = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], additiveMask, p);
        return context.transpose(1, 2).reshape(batch, seq, heads * headDim).MoveToOuterDisposeScope();
    }
}
