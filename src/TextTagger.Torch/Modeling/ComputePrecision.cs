using TextTagger.Inference.Engines;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// The <c>--precision</c> choice: "fp32" (everything in float32), "bf16" (bfloat16 matrix products with float32 master
/// weights, see <see cref="Autocast"/>) or "auto" (bf16 where the CPU has native bfloat16 arithmetic, else fp32).
/// </summary>
public static class ComputePrecision
{
    public const string Auto = Precision.Auto;
    public const string Float32 = Precision.Float32;
    public const string BFloat16 = Precision.BFloat16;
    public static IReadOnlyList<string> Names => Precision.Names;

    /// <summary>The autocast compute type for a precision name: null for float32.</summary>
    public static ScalarType? Resolve(string precision) => precision switch
    {
        Float32 => null,
        BFloat16 => ScalarType.BFloat16,
        Auto => Autocast.CpuHasNativeBFloat16 ? ScalarType.BFloat16 : null,
        _ => throw new TextTaggerException($"precision must be one of {string.Join(", ", Names)}, got '{precision}'"),
    };

    /// <summary>"fp32" or "bf16": what a precision name resolves to on this machine.</summary>
    public static string Describe(string precision) => Name(Resolve(precision));

    /// <summary>"fp32" for null (autocast off), else "bf16".</summary>
    public static string Name(ScalarType? computeType) => computeType is null ? Float32 : BFloat16;
}
