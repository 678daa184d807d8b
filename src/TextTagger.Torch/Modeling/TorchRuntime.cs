using TorchSharp;

namespace TextTagger;

/// <summary>Process-wide libtorch settings: threads and determinism.</summary>
public static class TorchRuntime
{
    /// <summary>Sets libtorch's intra-op thread count (0 or less: leave libtorch's default, one per core).</summary>
    public static void SetThreads(int threads)
    {
        if (threads > 0) torch.set_num_threads(threads);
    }

    public static int Threads => torch.get_num_threads();
}
