using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>BERT's pooler: tanh(dense(hidden state of the first token, [CLS])).</summary>
public sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    readonly Linear dense;

    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        register_module("dense", dense);
    }

    public override Tensor forward(Tensor lastHiddenState)
    {
        using var scope = NewDisposeScope();
        var first = lastHiddenState.select(1, 0);
        return dense.forward(first).tanh().MoveToOuterDisposeScope();
    }
}
