using TorchSharp;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>The feed-forward activations Hugging Face names in <c>hidden_act</c>.</summary>
public static class Activations
{
    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "gelu" => nn.functional.gelu(x),                          // exact, erf-based
        "gelu_new" or "gelu_pytorch_tanh" => GeluTanh(x),
        "relu" => nn.functional.relu(x),
        "silu" or "swish" => nn.functional.silu(x),
        _ => throw new TextTaggerException($"hidden_act \"{name}\" is not supported."),
    };

    static Tensor GeluTanh(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inner = (x + x.pow(3) * 0.044715) * Math.Sqrt(2.0 / Math.PI);
        return (x * 0.5 * (inner.tanh() + 1.0)).MoveToOuterDisposeScope();
    }
}
