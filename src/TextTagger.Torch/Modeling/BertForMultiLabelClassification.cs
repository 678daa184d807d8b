using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// BERT with a multi-label head: pooled output ([CLS] pooler or mean of tokens) → dropout → Linear(hidden, labels),
/// one logit per label. Parameter names <c>bert.*</c> and <c>classifier.*</c> match Hugging Face's
/// <c>BertForSequenceClassification</c>.
/// </summary>
public sealed class BertForMultiLabelClassification : nn.Module<Tensor, Tensor?, Tensor?, Tensor>
{
    readonly BertModel bert;
    readonly HashDropout dropout;
    readonly Linear classifier;

    public BertConfig Config { get; }
    public PoolingMode PoolingMode { get; }
    public int LabelCount { get; }

    public BertForMultiLabelClassification(BertConfig config, int labelCount) : base(nameof(BertForMultiLabelClassification))
    {
        Config = config;
        PoolingMode = config.Pooling;
        LabelCount = labelCount;
        bert = new BertModel(config);
        dropout = new HashDropout(config.ClassifierDropout ?? config.HiddenDropoutProb);
        classifier = nn.Linear(config.HiddenSize, labelCount);
        register_module("bert", bert);
        register_module("dropout", dropout);
        register_module("classifier", classifier);
    }

    public BertModel Bert => bert;
    public Linear Classifier => classifier;

    /// <summary>Logits [batch, labels] for input_ids [batch, seq], attention_mask [batch, seq], token_type_ids [batch, seq].</summary>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        using var pooled = Pool(inputIds, attentionMask, tokenTypeIds);
        return classifier.forward(dropout.forward(pooled)).MoveToOuterDisposeScope();
    }

    /// <summary>The text vectors the head sees: [batch, hidden].</summary>
    public Tensor Pool(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds)
    {
        using var outputs = bert.forward(inputIds, attentionMask, tokenTypeIds);
        return PoolingMode == ModelFiles.PoolingMode.Mean
            ? Pooling.Mean(outputs.LastHiddenState, attentionMask)
            : outputs.PoolerOutput!.alias();
    }

    /// <summary>Binary cross-entropy with logits, averaged over texts and labels; posWeight [labels] up-weights positives.</summary>
    public static Tensor Loss(Tensor logits, Tensor targets, Tensor? posWeight = null) =>
        nn.functional.binary_cross_entropy_with_logits(logits, targets.to_type(logits.dtype), pos_weights: posWeight);

    /// <summary>Per-label probabilities: sigmoid of the logits.</summary>
    public static Tensor Probabilities(Tensor logits) => logits.sigmoid();

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Hugging Face's initialisation: Linear and Embedding weights ~ N(0, initializer_range), biases 0, LayerNorm 1/0.</summary>
    public void InitializeWeights()
    {
        foreach (var (name, module) in named_modules())
            BertInit.Apply(module, Config.InitializerRange, name.EndsWith("word_embeddings") ? Config.PadTokenId : -1);
    }

    /// <summary>Sets the attention-probability dropout of every layer (0 lets libtorch take its fused attention
    /// kernel) and records it in <see cref="Config"/>, so a saved model says how it was trained.</summary>
    public void SetAttentionDropout(double probability) => bert.SetAttentionDropout(probability);

    /// <summary>Gives the classifier fresh weights (used when a checkpoint's head is absent or of another size).</summary>
    public void ResetClassifier() => BertInit.Apply(classifier, Config.InitializerRange);
}
