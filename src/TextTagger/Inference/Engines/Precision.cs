namespace TextTagger.Inference.Engines;

/// <summary>The <c>--precision</c> names: the type of the matrix products an engine runs.</summary>
public static class Precision
{
    /// <summary>bf16 where the CPU has native bfloat16 arithmetic (TorchSharp), else fp32.</summary>
    public const string Auto = "auto";
    public const string Float32 = "fp32";
    /// <summary>bfloat16 matrix products with float32 weights (TorchSharp engine).</summary>
    public const string BFloat16 = "bf16";
    /// <summary>int8 weights, activations quantized at run time (an exported model.onnx with --quantize int8).</summary>
    public const string Int8 = "int8";
    public static readonly string[] Names = [Auto, Float32, BFloat16];

    public static void Check(string precision)
    {
        if (!Names.Contains(precision))
            throw new TextTaggerException($"precision must be one of {string.Join(", ", Names)}, got '{precision}'");
    }
}
