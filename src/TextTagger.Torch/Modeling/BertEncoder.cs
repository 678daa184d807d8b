using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// The stack of transformer blocks (<c>encoder.layer.N</c>). Each block runs in its own dispose scope and the
/// previous block's output is released as soon as the next one exists, so inference holds about one layer's
/// intermediates at a time (autograd still keeps what backward needs while training).
/// </summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor?, Tensor>
{
    readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        register_module("layer", layer);
    }

    public override Tensor forward(Tensor hidden, Tensor? additiveMask)
    {
        var current = hidden;
        foreach (var block in layer)
        {
            Tensor next;
            using (NewDisposeScope())
                next = block.forward(current, additiveMask).MoveToOuterDisposeScope();
            if (!ReferenceEquals(current, hidden)) current.Dispose();
            current = next;
        }
        return ReferenceEquals(current, hidden) ? hidden.alias() : current;
    }
}
