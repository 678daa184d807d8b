using System.Runtime.Intrinsics.X86;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// Mixed precision in the manner of <c>torch.autocast</c> (which TorchSharp lacks): inside <see cref="Enable"/> the
/// encoder's Linear layers — nearly all of its arithmetic — run in a lower-precision type (bfloat16), while the
/// parameters, embeddings, attention, residual sums, LayerNorm, pooling, the head and the loss stay float32. Parameters are cast
/// on the way in, so gradients flow back through the casts into the float32 weights and the optimizer keeps float32
/// master weights. The setting is per thread, like PyTorch's; backward needs no setting (the casts are in the graph).
/// </summary>
public static class Autocast
{
    [ThreadStatic] static ScalarType? _computeType;

    /// <summary>The type matrix products run in on this thread; null: float32 (autocast off).</summary>
    public static ScalarType? ComputeType => _computeType;

    /// <summary>Runs matrix products in <paramref name="computeType"/> (null: float32) until the result is disposed.</summary>
    public static IDisposable Enable(ScalarType? computeType)
    {
        var previous = _computeType;
        _computeType = computeType == ScalarType.Float32 ? null : computeType;
        return new Restore(previous);
    }

    /// <summary>The input in the compute type when autocast is on (as <see cref="Linear"/> would cast it), else itself.</summary>
    public static Tensor Input(Tensor input) => _computeType is ScalarType type ? input.to_type(type) : input.alias();

    /// <summary>layer(input), in the compute type when autocast is on (the result is then of that type too).</summary>
    public static Tensor Linear(Linear layer, Tensor input)
    {
        if (_computeType is not ScalarType type) return layer.forward(input);
        using var scope = NewDisposeScope();
        var result = nn.functional.linear(input.to_type(type), layer.weight!.to_type(type), layer.bias?.to_type(type));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>True when this CPU multiplies bfloat16 matrices natively (AVX-512 BF16, AVX10 or AMX); elsewhere libtorch
    /// emulates bfloat16 and it is slower than float32.</summary>
    public static bool CpuHasNativeBFloat16 { get; } = DetectNativeBFloat16();

    static bool DetectNativeBFloat16()
    {
        if (Avx10v1.IsSupported) return true;
        try
        {
            const string cpuInfo = "/proc/cpuinfo";
            if (!File.Exists(cpuInfo)) return false;
            foreach (var line in File.ReadLines(cpuInfo))
                if (line.StartsWith("flags", StringComparison.Ordinal))
                    return line.Split(' ').Any(flag => flag is "avx512_bf16" or "amx_bf16");
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return false;
    }

    sealed class Restore(ScalarType? previous) : IDisposable
    {
        bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _computeType = previous;
        }
    }
}
