using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// Hugging Face <c>BertLMPredictionHead</c>: the transform, then <c>decoder</c>, a Linear(hidden, vocab) whose weight
/// IS the word-embedding matrix (the same <see cref="Parameter"/>, tied as Hugging Face's <c>tie_weights</c> ties it)
/// and whose bias is this head's own <c>bias</c> [vocab]. A model holding this head must list each parameter once
/// (see <see cref="BertForMaskedLM.named_parameters"/>), or an optimizer would update the tied matrix twice.
/// </summary>
public sealed class BertLMPredictionHead : nn.Module<Tensor, Tensor>
{
    readonly BertPredictionHeadTransform transform;
    readonly Linear decoder;
    readonly Parameter bias;

    /// <param name="wordEmbeddings">The encoder's word embeddings [vocab, hidden]: the decoder's weight.</param>
    public BertLMPredictionHead(BertConfig config, Parameter wordEmbeddings) : base(nameof(BertLMPredictionHead))
    {
        transform = new BertPredictionHeadTransform(config);
        bias = new Parameter(zeros(config.VocabSize));
        decoder = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        decoder.weight = wordEmbeddings;
        decoder.bias = bias;
        register_parameter("bias", bias);     // own parameters come first: "cls.predictions.bias" is the name kept
        register_module("transform", transform);
        register_module("decoder", decoder);
    }

    public Linear Decoder => decoder;
    public Parameter Bias => bias;
    public BertPredictionHeadTransform Transform => transform;

    /// <summary>[…, hidden] → vocabulary logits [..., vocab] (float32 even under autocast).</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var logits = Autocast.Linear(decoder, transform.forward(hidden));
        return logits.to_type(hidden.dtype).MoveToOuterDisposeScope();
    }
}
