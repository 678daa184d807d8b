using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>Self-attention followed by its output block (Hugging Face <c>BertAttention</c>).</summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    readonly BertSelfAttention self;
    readonly BertSelfOutput output;

    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config);
        output = new BertSelfOutput(config);
        register_module("self", self);
        register_module("output", output);
    }

    public override Tensor forward(Tensor hidden, Tensor? additiveMask)
    {
        using var context = self.forward(hidden, additiveMask);
        return output.forward(context, hidden);
    }
}
