using System.Diagnostics;
using System.Text;

namespace TextTagger.Tests.TestSupport;

/// <summary>One of the project's programs beside the tests (TextTagger.Worker, the CLI) in its own process, so a test
/// can SIGKILL or SIGTERM it as an operator or the kernel would; its output is kept for the assertions.</summary>
public sealed class DotnetProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _log = new();

    DotnetProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>A stream worker (TextTagger.Worker).</summary>
    public static DotnetProcess Worker(params string[] arguments) => Start("TextTagger.Worker.dll", arguments);

    /// <summary>The `texttagger` command (TextTagger.Cli).</summary>
    public static DotnetProcess Cli(params string[] arguments) => Start("TextTagger.Cli.dll", arguments);

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
        return new DotnetProcess(Process.Start(start)!);
    }

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
