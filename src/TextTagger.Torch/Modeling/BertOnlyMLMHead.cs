using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>Hugging Face <c>BertOnlyMLMHead</c>: the wrapper that gives the head its name, <c>cls.predictions</c>.</summary>
public sealed class BertOnlyMLMHead : nn.Module<Tensor, Tensor>
{
    readonly BertLMPredictionHead predictions;

    public BertOnlyMLMHead(BertConfig config, Parameter wordEmbeddings) : base(nameof(BertOnlyMLMHead))
    {
        predictions = new BertLMPredictionHead(config, wordEmbeddings);
        register_module("predictions", predictions);
    }

    public BertLMPredictionHead Predictions => predictions;

    public override Tensor forward(Tensor sequenceOutput) => predictions.forward(sequenceOutput);
}
