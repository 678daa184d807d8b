using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>The MLM head's transform (Hugging Face <c>BertPredictionHeadTransform</c>): dense, the config's activation,
/// LayerNorm with the config's eps.</summary>
public sealed class BertPredictionHeadTransform : nn.Module<Tensor, Tensor>
{
    readonly Linear dense;
    readonly string activation;
    readonly LayerNorm layerNorm;

    public BertPredictionHeadTransform(BertConfig config) : base(nameof(BertPredictionHeadTransform))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        activation = config.HiddenAct;
        layerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        register_module("dense", dense);
        register_module("LayerNorm", layerNorm);
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        // Under autocast the product is bfloat16; LayerNorm runs in float32, as torch.autocast would run it.
        var activated = Activations.Apply(activation, Autocast.Linear(dense, hidden)).to_type(hidden.dtype);
        return layerNorm.forward(activated).MoveToOuterDisposeScope();
    }
}
