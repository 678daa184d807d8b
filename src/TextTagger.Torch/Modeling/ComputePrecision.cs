using TextTagger.Inference.Engines;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// What a <see cref="Precision"/> means for TorchSharp: fp32 (everything in float32), bf16 (bfloat16 matrix products
/// with float32 master weights, see <see cref="Autocast"/>) or auto (bf16 where the CPU has native bfloat16
/// arithmetic, else fp32).
/// </summary>
public static class ComputePrecision
{
    /// <summary>The autocast compute type: null for float32.</summary>
    public static ScalarType? Resolve(Precision precision) => precision switch
    {
        Precision.Fp32 => null,
        Precision.Bf16 => ScalarType.BFloat16,
        Precision.Auto => Autocast.CpuHasNativeBFloat16 ? ScalarType.BFloat16 : null,
        _ => throw new TextTaggerException($"precision {precision.Name()} is not a TorchSharp precision (use fp32, bf16 or auto)"),
    };

    /// <summary>What a precision resolves to on this machine: fp32 or bf16.</summary>
    public static Precision Describe(Precision precision) => Of(Resolve(precision));

    /// <summary>fp32 for null (autocast off), else bf16.</summary>
    public static Precision Of(ScalarType? computeType) => computeType is null ? Precision.Fp32 : Precision.Bf16;
}
