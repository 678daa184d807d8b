using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// BERT for masked-language-model training, as Hugging Face's <c>BertForMaskedLM</c>: <c>bert</c> (no pooling layer)
/// and <c>cls.predictions</c>, whose decoder is tied to <c>bert.embeddings.word_embeddings.weight</c>. Parameter names
/// are Hugging Face's, so the saved weights read like a Hugging Face MLM checkpoint.
/// </summary>
public sealed class BertForMaskedLM : nn.Module<Tensor, Tensor?, Tensor?, Tensor>
{
    /// <summary>The label of positions that are not predicted (PyTorch's cross-entropy ignore_index).</summary>
    public const long IgnoreIndex = -100;

    readonly BertModel bert;
    readonly BertOnlyMLMHead cls;

    public BertConfig Config { get; }

    public BertForMaskedLM(BertConfig config) : base(nameof(BertForMaskedLM))
    {
        Config = config;
        bert = new BertModel(config, addPoolingLayer: false);
        cls = new BertOnlyMLMHead(config, bert.Embeddings.WordEmbeddings);
        register_module("bert", bert);
        register_module("cls", cls);
    }

    public BertModel Bert => bert;
    public BertOnlyMLMHead Cls => cls;

    /// <summary>Vocabulary logits [batch, seq, vocab] at every position.</summary>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds)
    {
        using var outputs = bert.forward(inputIds, attentionMask, tokenTypeIds);
        return cls.forward(outputs.LastHiddenState);
    }

    /// <summary>
    /// The MLM loss: cross-entropy over the positions whose label is not <see cref="IgnoreIndex"/>, averaged over them
    /// (Hugging Face's loss). The head runs at those positions only — the same numbers as <see cref="forward"/>
    /// followed by the loss, without a [batch, seq, vocab] product for the ~85 % of positions nobody asks about (for
    /// MiniLM the decoder costs about as much as the whole encoder per position).
    /// </summary>
    /// <param name="labels">[batch, seq] int64: the original token at chosen positions, <see cref="IgnoreIndex"/> elsewhere.</param>
    /// <returns>The loss (scalar) and the logits at the chosen positions [chosen, vocab], in row-major order.</returns>
    public (Tensor Loss, Tensor Logits) MaskedLoss(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var outputs = bert.forward(inputIds, attentionMask, tokenTypeIds);
        var chosen = labels.ne(IgnoreIndex);
        var hidden = outputs.LastHiddenState[chosen];          // [chosen, hidden]
        var logits = cls.forward(hidden);
        var loss = nn.functional.cross_entropy(logits, labels[chosen]);
        return (loss.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }

    /// <summary>Each parameter once, under its first name — PyTorch's named_parameters(remove_duplicate=True), which
    /// TorchSharp's does not do: the tied decoder weight and bias appear as <c>bert.embeddings.word_embeddings.weight</c>
    /// and <c>cls.predictions.bias</c> only, so the optimizer, gradient clipping and saving see them once.</summary>
    public override IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
    {
        var seen = new HashSet<long>();   // where the data lives: TorchSharp may wrap one tensor in several handles
        foreach (var (name, parameter) in base.named_parameters(recurse))
            if (seen.Add(Address(parameter))) yield return (name, parameter);
    }

    /// <summary>Where a float32 tensor's first element lives: equal for two handles of one tensor.</summary>
    public static long Address(Tensor tensor) => (long)tensor.storage<float>().data_ptr() + tensor.storage_offset() * sizeof(float);

    /// <summary>New BERT-initialised weights for the head's transform and a zero bias (for a checkpoint without an MLM
    /// head, such as all-MiniLM-L6-v2); the decoder weight is the embeddings and is left alone.</summary>
    public void ResetHead()
    {
        foreach (var (_, module) in cls.Predictions.Transform.named_modules()) BertInit.Apply(module, Config.InitializerRange);
        using var noGrad = no_grad();
        cls.Predictions.Bias.zero_();
    }

    public long ParameterCount => named_parameters().Sum(p => p.parameter.numel());
}
