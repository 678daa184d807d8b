using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>
/// Dropout as <c>nn.Dropout</c> computes it — while training, each element is zeroed with probability p and the rest
/// scaled by 1/(1 − p); in eval it is the identity — with the mask drawn by a counter-based hash in C# instead of
/// libtorch's <c>bernoulli_</c>. On CPUs other than Intel's, libtorch draws every element from one Mersenne Twister on
/// one thread while the other threads wait: 8 % of a MiniLM training step (BENCHMARKS.md, the step's profile).
/// Each mask's key is one 64-bit draw from libtorch's generator, so <c>manual_seed</c> and the checkpointed generator
/// state decide the masks as before, and a resumed run draws the same ones.
/// </summary>
public sealed class HashDropout : nn.Module<Tensor, Tensor>
{
    public HashDropout(double probability) : base("Dropout")
    {
        if (probability is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(probability), probability, "dropout must be in [0, 1)");
        Probability = probability;
    }

    public double Probability { get; }

    public override Tensor forward(Tensor input)
    {
        if (!training || Probability == 0) return input.alias();
        using var mask = DropoutMask.Create(input.shape, input.dtype, Probability, DropoutMask.NextKey());
        return input * mask;
    }
}

/// <summary>The scaled keep-masks of <see cref="HashDropout"/>: 0 or 1/(1 − p) per element, in the input's type.</summary>
public static class DropoutMask
{
    /// <summary>A mask key from libtorch's default generator (seeded by <c>manual_seed</c>, saved in checkpoints).</summary>
    public static ulong NextKey()
    {
        using var draw = randint(long.MaxValue, [1], dtype: ScalarType.Int64);
        return (ulong)draw.item<long>();
    }

    /// <summary>
    /// A tensor of <paramref name="shape"/> whose elements are 0 with probability <paramref name="probability"/> (to
    /// 1/65,536) and 1/(1 − p) otherwise, in float32 or bfloat16; the same key gives the same mask. Element i keeps
    /// when 16 bits of hash(key, i) reach p × 65,536.
    /// </summary>
    public static Tensor Create(long[] shape, ScalarType dtype, double probability, ulong key)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count > int.MaxValue / 2) throw new ArgumentException($"a dropout mask of {count:N0} elements is too large");
        uint threshold = (uint)Math.Round(probability * 65536);
        float scale = (float)(1.0 / (1.0 - probability));
        var mask = empty(shape, dtype);
        // Written in place: a contiguous CPU tensor's bytes are its own memory.
        switch (dtype)
        {
            case ScalarType.Float32:
                Fill(MemoryMarshal.Cast<byte, uint>(mask.bytes), threshold, BitConverter.SingleToUInt32Bits(scale), key, twoPerWord: false);
                break;
            case ScalarType.BFloat16:
                var bytes = mask.bytes;
                ushort scaleBits = BFloat16Bits(scale);
                var words = MemoryMarshal.Cast<byte, uint>(bytes);
                Fill(words, threshold, scaleBits, key, twoPerWord: true);
                if (count % 2 == 1)   // an odd count: the last element is the first half of one more word
                {
                    Span<uint> last = stackalloc uint[1];
                    Fill(last, threshold, scaleBits, key, twoPerWord: true, firstCounter: (uint)words.Length);
                    MemoryMarshal.Cast<byte, ushort>(bytes)[(int)count - 1] = (ushort)last[0];
                }
                break;
            default:
                mask.Dispose();
                throw new ArgumentException($"dropout masks are float32 or bfloat16, not {dtype}");
        }
        return mask;
    }

    /// <summary>float32: one element per word, kept when the hash's low 16 bits reach the threshold. bfloat16
    /// (<paramref name="twoPerWord"/>): two elements per word, one from each 16 bits (little-endian: the low half is
    /// the first). Word i of the mask is hashed from counter <paramref name="firstCounter"/> + i.</summary>
    static void Fill(Span<uint> words, uint threshold, uint scaleBits, ulong key, bool twoPerWord, uint firstCounter = 0)
    {
        uint k0 = (uint)key, k1 = (uint)(key >> 32);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var counters = Iota() + new Vector<uint>(firstCounter);
            var step = new Vector<uint>((uint)Vector<uint>.Count);
            var low = new Vector<uint>(0xFFFF);
            var limit = new Vector<uint>(threshold);
            var keep = new Vector<uint>(scaleBits);
            for (; i <= words.Length - Vector<uint>.Count; i += Vector<uint>.Count, counters += step)
            {
                var h = Hash(counters, k0, k1);
                var first = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(h & low, limit), keep, Vector<uint>.Zero);
                if (twoPerWord)
                    first |= Vector.ShiftLeft(Vector.ConditionalSelect(Vector.GreaterThanOrEqual(Vector.ShiftRightLogical(h, 16), limit), keep, Vector<uint>.Zero), 16);
                first.CopyTo(words[i..]);
            }
        }
        for (; i < words.Length; i++)
        {
            uint h = Hash(firstCounter + (uint)i, k0, k1);
            uint word = (h & 0xFFFF) >= threshold ? scaleBits : 0u;
            if (twoPerWord && (h >> 16) >= threshold) word |= scaleBits << 16;
            words[i] = word;
        }
    }

    static Vector<uint> Iota()
    {
        Span<uint> lanes = stackalloc uint[Vector<uint>.Count];
        for (int l = 0; l < lanes.Length; l++) lanes[l] = (uint)l;
        return new Vector<uint>(lanes);
    }

    // Two rounds of MurmurHash3's finalizer with the key mixed in before each: a bijection of the counter per key whose
    // every output bit depends on every input bit, so neighbouring elements' masks are unrelated.
    static uint Hash(uint counter, uint k0, uint k1) => Mix(Mix(counter ^ k0) + k1);

    static Vector<uint> Hash(Vector<uint> counter, uint k0, uint k1) =>
        Mix(Mix(counter ^ new Vector<uint>(k0)) + new Vector<uint>(k1));

    static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x85EBCA6B;
        x ^= x >> 13;
        x *= 0xC2B2AE35;
        return x ^ (x >> 16);
    }

    static Vector<uint> Mix(Vector<uint> x)
    {
        x ^= Vector.ShiftRightLogical(x, 16);
        x *= new Vector<uint>(0x85EBCA6B);
        x ^= Vector.ShiftRightLogical(x, 13);
        x *= new Vector<uint>(0xC2B2AE35);
        return x ^ Vector.ShiftRightLogical(x, 16);
    }

    /// <summary>float → bfloat16 bits, rounded to nearest even (as libtorch casts).</summary>
    static ushort BFloat16Bits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}
