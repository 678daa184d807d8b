using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// The BERT encoder with Hugging Face's parameter names (<c>embeddings.*</c>, <c>encoder.layer.N.*</c>,
/// <c>pooler.*</c>), so a Hugging Face state dict maps onto it one to one. Without the pooling layer (Hugging Face's
/// <c>add_pooling_layer=False</c>, as <see cref="BertForMaskedLM"/> builds it) the output has no pooled vector.
/// </summary>
public sealed class BertModel : nn.Module<Tensor, Tensor?, Tensor?, BertModelOutput>
{
    readonly BertEmbeddings embeddings;
    readonly BertEncoder encoder;
    readonly BertPooler? pooler;

    public BertConfig Config { get; }

    public BertModel(BertConfig config, bool addPoolingLayer = true) : base(nameof(BertModel))
    {
        config.Validate();
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        register_module("embeddings", embeddings);
        register_module("encoder", encoder);
        if (addPoolingLayer)
        {
            pooler = new BertPooler(config);
            register_module("pooler", pooler);
        }
    }

    public BertEmbeddings Embeddings => embeddings;

    /// <param name="inputIds">[batch, seq] int64 token ids.</param>
    /// <param name="attentionMask">[batch, seq], 1 for real tokens and 0 for padding (any dtype); null: attend everywhere.</param>
    /// <param name="tokenTypeIds">[batch, seq] int64 segment ids; null: all zeros.</param>
    public override BertModelOutput forward(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds)
    {
        if (inputIds.dim() != 2) throw new ArgumentException($"input_ids must be [batch, seq], got [{string.Join(", ", inputIds.shape)}]");
        if (inputIds.shape[1] > Config.MaxPositionEmbeddings)
            throw new TextTaggerException($"Sequence length {inputIds.shape[1]} exceeds max_position_embeddings {Config.MaxPositionEmbeddings}.");

        using var scope = NewDisposeScope();
        var types = tokenTypeIds ?? zeros_like(inputIds);
        var hidden = embeddings.forward(inputIds, types);
        var mask = AdditiveMask(attentionMask, hidden.dtype);
        var last = encoder.forward(hidden, mask);
        var pooled = pooler?.forward(last);
        return new BertModelOutput(last.MoveToOuterDisposeScope(), pooled?.MoveToOuterDisposeScope());
    }

    /// <summary>[batch, seq] 1/0 → [batch, 1, 1, seq] with 0 at real tokens and the dtype's minimum at padding.</summary>
    public static Tensor? AdditiveMask(Tensor? attentionMask, ScalarType dtype)
    {
        if (attentionMask is null) return null;
        using var scope = NewDisposeScope();
        var keep = attentionMask.to_type(dtype).unsqueeze(1).unsqueeze(2);
        double min = finfo(dtype).min;
        return ((1.0 - keep) * min).MoveToOuterDisposeScope();
    }

    /// <summary>New random pooler weights (for checkpoints saved without a pooler).</summary>
    public void ResetPooler()
    {
        if (pooler is null) return;
        foreach (var (_, module) in pooler.named_modules()) BertInit.Apply(module, Config.InitializerRange);
    }

    /// <summary>Sets the attention-probability dropout of every layer (0 lets libtorch take its fused attention
    /// kernel) and records it in <see cref="Config"/>, so a saved model says how it was trained.</summary>
    public void SetAttentionDropout(double probability)
    {
        if (probability is < 0 or >= 1) throw new TextTaggerException($"attention dropout must be in [0, 1), got {probability}");
        foreach (var (_, module) in named_modules())
            if (module is BertSelfAttention attention) attention.DropoutProbability = probability;
        Config.AttentionProbsDropoutProb = probability;
    }

    /// <summary>Number of parameters (for MiniLM-L6: 22.7 M).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());
}
