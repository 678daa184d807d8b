using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>The feed-forward block's expansion: dense to intermediate_size, then the activation (GELU for BERT).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    readonly Linear dense;
    readonly string activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        activation = config.HiddenAct;
        register_module("dense", dense);
    }

    public override Tensor forward(Tensor hidden)
    {
        using var projected = Autocast.Linear(dense, hidden);
        return Activations.Apply(activation, projected);
    }
}
