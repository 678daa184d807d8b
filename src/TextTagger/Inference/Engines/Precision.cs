using System.Text.Json.Serialization;

namespace TextTagger.Inference.Engines;

/// <summary>The type of an engine's matrix products, and the <c>--precision</c> choice ("auto", "fp32", "bf16").</summary>
[JsonConverter(typeof(LowercaseEnumConverter<Precision>))]
public enum Precision
{
    /// <summary>Asked for: bf16 where the CPU has native bfloat16 arithmetic (TorchSharp), else fp32.</summary>
    Auto,
    Fp32,
    /// <summary>bfloat16 matrix products with float32 weights (TorchSharp engine, <c>Autocast</c>).</summary>
    Bf16,
    /// <summary>int8 weights, activations quantized at run time (an exported model.onnx with --quantize int8).</summary>
    Int8,
}

public static class Precisions
{
    /// <summary>What --precision accepts (int8 is a property of an exported file, not a request).</summary>
    public static readonly string[] Requestable = ["auto", "fp32", "bf16"];

    public static string Name(this Precision precision) => LowercaseEnumConverter<Precision>.Name(precision);

    public static Precision Parse(string? text, string what = "precision")
    {
        var value = LowercaseEnumConverter<Precision>.Parse(text, what);
        return value == Precision.Int8
            ? throw new TextTaggerException($"{what} must be one of {string.Join(", ", Requestable)}, got '{text}' (int8 comes from texttagger export --quantize int8)")
            : value;
    }
}
