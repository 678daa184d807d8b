using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TextTagger.Tests.TestSupport;

/// <summary>
/// Starts the tests' child processes (redis-server, workers, `texttagger train`) so that they die with the test host,
/// however it ends (a SIGKILL, a crashed or timed-out test run): each is started through util-linux's
/// <c>setpriv --pdeathsig KILL</c>, which asks the kernel to SIGKILL it when its parent goes.
/// Linux's "parent" is the thread that forked, not the process, and .NET forks on the thread that calls
/// <see cref="Process.Start()"/>: a pool thread that later retires would take the child with it. So every start runs
/// on one dedicated thread that lives as long as the test host.
/// </summary>
public static class ChildProcess
{
    static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> s_requests = new();

    static readonly Thread s_spawner = StartSpawner();

    static Thread StartSpawner()
    {
        var thread = new Thread(() =>
        {
            foreach (var (start, started) in s_requests.GetConsumingEnumerable())
            {
                try { started.SetResult(Process.Start(start)!); }
                catch (Exception e) { started.SetException(e); }
            }
        }) { IsBackground = true, Name = "child process spawner (the parent of every test child)" };
        thread.Start();
        return thread;
    }

    public static string Setpriv =>
        new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("setpriv (util-linux) is missing: the tests need it to tie child processes to the test host");

    /// <summary>Starts <paramref name="start"/>'s program, tied to this process. Its process id is the program's own
    /// (setpriv execs it).</summary>
    public static Process Start(ProcessStartInfo start)
    {
        if (!OperatingSystem.IsLinux()) return Process.Start(start)!;   // no parent-death signal elsewhere
        var tied = new ProcessStartInfo(Setpriv)
        {
            RedirectStandardInput = start.RedirectStandardInput,
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
            UseShellExecute = false,
            WorkingDirectory = start.WorkingDirectory,
        };
        foreach (var argument in new[] { "--pdeathsig", "KILL", "--", start.FileName }.Concat(start.ArgumentList)) tied.ArgumentList.Add(argument);
        tied.Environment.Clear();
        foreach (var (key, value) in start.Environment) tied.Environment[key] = value;
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = s_spawner;
        s_requests.Add((tied, started));
        return started.Task.GetAwaiter().GetResult();
    }

    /// <summary>Waits until process <paramref name="pid"/> has ended (a zombie counts as ended), with a pidfd the
    /// kernel makes readable at its exit: whether or not it is our child. False if it still runs after <paramref name="timeout"/>.</summary>
    public static bool WaitForEnd(int pid, TimeSpan timeout)
    {
        int fd = (int)syscall(PidfdOpen, pid, 0);
        if (fd < 0) return Marshal.GetLastPInvokeError() == Esrch ? true
            : throw new InvalidOperationException($"pidfd_open({pid}) failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            var poll = new PollFd { Fd = fd, Events = PollIn };
            int ready = Poll(ref poll, 1, (int)timeout.TotalMilliseconds);
            if (ready < 0) throw new InvalidOperationException($"poll failed: errno {Marshal.GetLastPInvokeError()}");
            return ready == 1;
        }
        finally { close(fd); }
    }

    const long PidfdOpen = 434;
    const int Esrch = 3;
    const short PollIn = 1;

    [StructLayout(LayoutKind.Sequential)]
    struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", SetLastError = true)]
    static extern long syscall(long number, int pid, uint flags);

    [DllImport("libc", SetLastError = true, EntryPoint = "poll")]
    static extern int Poll(ref PollFd fds, ulong count, int timeoutMs);

    [DllImport("libc", SetLastError = true)]
    static extern int close(int fd);
}
