using System.Runtime.InteropServices;

namespace TextTagger;

/// <summary>
/// glibc's malloc, set for libtorch's tensors: for inference a fixed 4 MB mmap threshold (large tensors handed back
/// when freed, so a long-lived server stays small), for training the heap and periodic trims. Two costs pull against
/// each other (BENCHMARKS.md, the step's profile and the heap table):
/// <list type="bullet">
/// <item>A page the kernel hands out fresh costs a page fault and zeroing: with tensors of 4 MB and more served by
/// mmap (and given back when freed), every step faulted its activations in anew, ~10–20 % of a bf16 step on a 2-core VM.</item>
/// <item>Memory kept in the heap is reused without faults, but the activations of dynamically padded batches change
/// size every step, so the heap fragments: a whole run grew to 3.7 GB.</item>
/// </list>
/// So for training the heap serves every activation (a fixed 32 MB mmap threshold: glibc's ceiling, above the
/// largest activation of a 4,096-token micro-batch; the 47 MB embedding gradient is mmapped), and <c>malloc_trim</c>
/// hands the heap's free pages back when the process passes <see cref="TrimCeilingBytes"/> between steps
/// (<see cref="HeapTrimPolicy"/>). Steps in between fault nothing in.
/// </summary>
public static class NativeHeap
{
    const int M_TRIM_THRESHOLD = -1;
    const int M_MMAP_THRESHOLD = -3;
    public const int InferenceMmapThresholdBytes = 4 << 20;
    // glibc refuses a threshold above half its arena heap size (HEAP_MAX_SIZE / 2 = 32 MB on 64-bit) and keeps the old one.
    public const int TrainingMmapThresholdBytes = 32 << 20;
    public const long TrimSlackBytes = 512L << 20;
    public const long TrimCeilingBytes = 1500L << 20;
    static int s_threshold;   // what this process asked for (0: nothing yet)
    static bool s_trimming;
    static HeapTrimPolicy s_policy = new(TrimCeilingBytes, TrimSlackBytes);

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    /// <summary>The mmap threshold glibc accepted from this process; null: none set (not glibc, an environment
    /// variable decides, or refused).</summary>
    public static int? MmapThresholdBytes { get; private set; }

    /// <summary>Large tensors from mmap, handed back when freed (unless the process already set the heap up).</summary>
    public static void ForInference()
    {
        if (s_threshold == 0) SetThreshold(InferenceMmapThresholdBytes);
    }

    /// <summary>Every tensor from the heap, trimmed by <see cref="ReleaseIfGrown"/> between steps; overrides <see cref="ForInference"/>.</summary>
    public static void ForTraining()
    {
        SetThreshold(TrainingMmapThresholdBytes);
        s_trimming = OperatingSystem.IsLinux();
        s_policy = new HeapTrimPolicy(TrimCeilingBytes, TrimSlackBytes);
        // Nor does free() shrink the heap's top as soon as 128 KB there are free (glibc's default once the mmap
        // threshold is fixed): a step's activations sit at the top and the next step would fault them in again.
        if (s_trimming && Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") == null)
            TryMallOpt(M_TRIM_THRESHOLD, int.MaxValue);
    }

    /// <summary>After training, in the same process (the CLI's final evaluation): the heap's free pages handed back and
    /// the inference threshold from here on. Trimming stays on, measured from the smaller process: an evaluation right
    /// after training grew the heap by 1.1 GB where the same evaluation in a fresh process peaks at 0.7 GB.</summary>
    public static void EndTraining()
    {
        if (!s_trimming) return;
        SetThreshold(InferenceMmapThresholdBytes);
        s_policy = new HeapTrimPolicy(ceilingBytes: 0, TrimSlackBytes);   // no training regrowth to leave room for
        if (TryMallocTrim()) s_policy.Trimmed(ResidentBytes());
    }

    // Linux with glibc only (elsewhere its allocator decides); an environment that sets MALLOC_MMAP_THRESHOLD_ itself is left alone.
    static void SetThreshold(int bytes)
    {
        if (!OperatingSystem.IsLinux() || s_threshold == bytes) return;
        s_threshold = bytes;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") == null)
            MmapThresholdBytes = TryMallOpt(M_MMAP_THRESHOLD, bytes) ? bytes : null;
    }

    static bool TryMallOpt(int parameter, int value)
    {
        try
        {
            return MallOpt(parameter, value) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;   // not glibc
        }
    }

    /// <summary>Called between training steps and inference batches (it does nothing outside a training process): gives
    /// the heap's free pages back when <see cref="HeapTrimPolicy"/> says the process has grown too far.</summary>
    public static void ReleaseIfGrown()
    {
        if (!s_trimming || !s_policy.ShouldTrim(ResidentBytes())) return;
        if (TryMallocTrim()) s_policy.Trimmed(ResidentBytes());
    }

    static bool TryMallocTrim()
    {
        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_trimming = false;   // not glibc: nothing to trim
            return false;
        }
    }

    /// <summary>The resident set now, from /proc/self/statm (cheaper than Process, which reads every status field).</summary>
    static long ResidentBytes()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1]) * Environment.SystemPageSize;
    }
}
