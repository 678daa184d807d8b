using System.Runtime.InteropServices;

namespace TextTagger;

/// <summary>
/// glibc's malloc, set for libtorch's tensors: for inference a fixed 4 MB mmap threshold (large tensors handed back
/// when freed, so a long-lived server stays small), for training the heap and periodic trims. Two costs pull against each other (BENCHMARKS.md, the
/// step's profile and the heap table):
/// <list type="bullet">
/// <item>A page the kernel hands out fresh costs a page fault and zeroing: with tensors of 4 MB and more served by
/// mmap (and given back when freed), every step faulted its activations in anew, ~20 % of a bf16 step on a 2-core VM.</item>
/// <item>Memory kept in the heap is reused without faults, but the activations of dynamically padded batches change
/// size every step, so the heap fragments: a whole run grew to 3.7 GB.</item>
/// </list>
/// So the heap serves every tensor (a fixed 64 MB mmap threshold, above the largest, the 47 MB embedding gradient),
/// and after a step that left the process more than <see cref="TrimSlackBytes"/> above its size after the last
/// release, <c>malloc_trim</c> hands the heap's free pages back. Steps in between fault nothing in.
/// </summary>
public static class NativeHeap
{
    const int M_TRIM_THRESHOLD = -1;
    const int M_MMAP_THRESHOLD = -3;
    public const int InferenceMmapThresholdBytes = 4 << 20;
    public const int TrainingMmapThresholdBytes = 64 << 20;
    public const long TrimSlackBytes = 768L << 20;
    static int s_threshold;   // what this process set (0: nothing yet)
    static bool s_trimming;
    static long s_afterRelease = -1;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

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
        // Nor does free() shrink the heap's top as soon as 128 KB there are free (glibc's default once the mmap
        // threshold is fixed): a step's activations sit at the top and the next step would fault them in again.
        if (s_trimming && Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") == null)
            TryMallOpt(M_TRIM_THRESHOLD, int.MaxValue);
    }

    // Linux with glibc only (elsewhere its allocator decides); an environment that sets MALLOC_MMAP_THRESHOLD_ itself is left alone.
    static void SetThreshold(int bytes)
    {
        if (!OperatingSystem.IsLinux() || s_threshold == bytes) return;
        s_threshold = bytes;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") == null) TryMallOpt(M_MMAP_THRESHOLD, bytes);
    }

    static void TryMallOpt(int parameter, int value)
    {
        try
        {
            MallOpt(parameter, value);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc
        }
    }

    /// <summary>Called between training steps and inference batches (it does nothing outside a training process): gives the heap's free pages back once the process has grown by more
    /// than <see cref="TrimSlackBytes"/> since the last release (or since the first call).</summary>
    public static void ReleaseIfGrown()
    {
        if (!s_trimming) return;
        long resident = ResidentBytes();
        if (s_afterRelease < 0) s_afterRelease = resident;
        if (resident <= s_afterRelease + TrimSlackBytes) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_trimming = false;   // not glibc: nothing to trim
            return;
        }
        s_afterRelease = ResidentBytes();
    }

    /// <summary>The resident set now, from /proc/self/statm (cheaper than Process, which reads every status field).</summary>
    static long ResidentBytes()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1]) * Environment.SystemPageSize;
    }
}
