using System.Diagnostics;
using System.Text;

namespace TextTagger.Tests.TestSupport;

/// <summary>One of the project's programs beside the tests (TextTagger.Worker, the CLI) in its own process, so a test
/// can SIGKILL or SIGTERM it as an operator or the kernel would; its output is kept for the assertions, and a test can
/// wait for a line it prints. It dies with the test host (<see cref="ChildProcess"/>).</summary>
public sealed class DotnetProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _log = new();
    readonly List<string> _lines = [];
    readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    DotnetProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data != null) Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    void Add(string line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }

    public int Id => _process.Id;
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>The first line (printed so far or later, on stdout or stderr) that <paramref name="match"/> accepts.
    /// Throws if the process ends or <paramref name="timeout"/> passes first, with its output.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        TaskCompletionSource<string> seen;
        lock (_log)
        {
            if (_lines.FirstOrDefault(match) is { } already) return already;
            seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, seen));
        }
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited).WaitAsync(timeout).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
        if (first == seen.Task) return await seen.Task;
        if (first == exited)
        {
            _process.WaitForExit();   // drains the output readers: the line may have come with the last output
            lock (_log) if (_lines.FirstOrDefault(match) is { } last) return last;
            throw new InvalidOperationException($"the process ended (exit {_process.ExitCode}) without printing the line awaited:\n{Log}");
        }
        throw new TimeoutException($"the line awaited did not come within {timeout.TotalSeconds} s:\n{Log}");
    }

    /// <summary>A stream worker (TextTagger.Worker).</summary>
    public static DotnetProcess Worker(params string[] arguments) => Start("TextTagger.Worker.dll", arguments);

    /// <summary>The `texttagger` command (TextTagger.Cli).</summary>
    public static DotnetProcess Cli(params string[] arguments) => Start("TextTagger.Cli.dll", arguments);

    /// <summary>This test assembly as a program (<c>TestHostProgram</c>).</summary>
    public static DotnetProcess TestHost(params string[] arguments) => Start(Path.GetFileName(typeof(DotnetProcess).Assembly.Location), arguments);

    static DotnetProcess Start(string assembly, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_gcServer"] = "0";
        return new DotnetProcess(ChildProcess.Start(start));   // dies with the test host
    }

    /// <summary>Completes when the process ends.</summary>
    public Task Exited => _process.WaitForExitAsync();

    public void Signal(int signal) => Signals.Send(_process.Id, signal);

    /// <summary>The exit code, once the process has ended (within <paramref name="timeout"/>).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        _process.WaitForExit();   // drains the output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
