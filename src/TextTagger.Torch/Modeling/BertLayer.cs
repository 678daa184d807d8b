using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>One transformer block: attention, then the feed-forward block (Hugging Face <c>BertLayer</c>).</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor?, Tensor>
{
    readonly BertAttention attention;
    readonly BertIntermediate intermediate;
    readonly BertOutput output;

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertOutput(config);
        register_module("attention", attention);
        register_module("intermediate", intermediate);
        register_module("output", output);
    }

    public override Tensor forward(Tensor hidden, Tensor? additiveMask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden, additiveMask);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}
