using System.Diagnostics;

namespace TextTagger;

/// <summary>Resident memory of this process (native tensors included), for logs and benchmarks.</summary>
public static class ProcessMemory
{
    public static long CurrentRssBytes
    {
        get
        {
            using var process = Process.GetCurrentProcess();
            return process.WorkingSet64;
        }
    }

    /// <summary>Peak resident set size since the process started (VmHWM on Linux).</summary>
    public static long PeakRssBytes
    {
        get
        {
            using var process = Process.GetCurrentProcess();
            return process.PeakWorkingSet64;
        }
    }

    public static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):N0} MB";
}
