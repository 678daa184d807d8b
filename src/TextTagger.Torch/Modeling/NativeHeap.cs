using System.Runtime.InteropServices;

namespace TextTagger;

/// <summary>
/// glibc's malloc settings for libtorch's tensors. By default glibc raises its mmap threshold each time a large block
/// is freed (up to 32 MB), after which the activations of a training step — tensors of 1–30 MB whose sizes change with
/// every dynamically padded batch — come from the heap, which fragments and never shrinks: a 60-step run peaked at
/// 3.7 GB and stayed there. A fixed 4 MB threshold serves those tensors from mmap, handed back to the system when
/// freed: the same run peaked at 2.8 GB (the activations of the longest batch) and fell back to 1.4 GB between
/// batches, at the same speed within noise (BENCHMARKS.md, training memory).
/// </summary>
public static class NativeHeap
{
    const int M_MMAP_THRESHOLD = -3;
    public const int MmapThresholdBytes = 4 << 20;
    static int s_applied;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int parameter, int value);

    /// <summary>Applies the fixed threshold once per process (Linux with glibc; elsewhere nothing). An environment
    /// that sets MALLOC_MMAP_THRESHOLD_ itself is left alone.</summary>
    public static void UseFixedMmapThreshold()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_applied, 1) == 1) return;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") != null) return;
        try
        {
            MallOpt(M_MMAP_THRESHOLD, MmapThresholdBytes);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: its allocator decides
        }
    }
}
