using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace TextTagger.Tests.TestSupport;

/// <summary>
/// A real redis-server (Debian's `redis-server` package, which .ci/run installs) on a free loopback port, with its
/// own temporary folder and append-only persistence (fsync on every write, as a fleet that must lose nothing would run
/// it). <see cref="RestartAsync"/> stops it as production would (SIGTERM: it flushes and exits) and starts it again on
/// the same port and data. No fallback: a missing server fails the test with the command that installs it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    readonly TempFolder _folder = new();
    Process? _process;

    public int Port { get; } = FreePort();
    /// <summary>The running server's process id.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("not started");
    public string Address => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer();
        try
        {
            await server.LaunchAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();   // never leave a server behind
            throw;
        }
    }

    public static string ExecutablePath =>
        new[] { Environment.GetEnvironmentVariable("REDIS_SERVER_PATH"), "/usr/bin/redis-server", "/usr/local/bin/redis-server" }
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("no redis-server found: install it with `apt-get install redis-server` (or set REDIS_SERVER_PATH)");

    async Task LaunchAsync()
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _folder.Path, "--appendonly", "yes",
                                         "--appendfsync", "always", "--save", "", "--daemonize", "no", "--protected-mode", "no" })
            start.ArgumentList.Add(argument);
        _process = ChildProcess.Start(start);   // dies with the test host
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { Address }, ConnectTimeout = 2000 });
                if ((string?)await probe.GetDatabase().ExecuteAsync("PING") == "PONG") return;
            }
            catch (Exception e) when ((e is RedisConnectionException or RedisTimeoutException) && DateTime.UtcNow < deadline && !_process.HasExited) { }
            catch (RedisServerException e) when (e.Message.StartsWith("LOADING") && DateTime.UtcNow < deadline) { }
            await Task.Delay(50);
        }
    }

    /// <summary>Stops the server with SIGTERM (it writes its append-only file and exits) and starts it again.</summary>
    public async Task RestartAsync(TimeSpan down)
    {
        await StopAsync();
        await Task.Delay(down);
        await LaunchAsync();
    }

    async Task StopAsync()
    {
        if (_process is not { HasExited: false } process) return;
        Signals.Send(process.Id, Signals.Terminate);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>A client with generous timeouts: the tests share two cores with worker processes and each other.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { Address }, ConnectTimeout = 15_000, SyncTimeout = 15_000, AsyncTimeout = 15_000 });

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); }
        catch (TimeoutException) { _process?.Kill(); }
        catch (InvalidOperationException) { _process?.Kill(); }
        _process?.Dispose();
        _folder.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>POSIX signals to a process (.NET's Process.Kill only sends SIGKILL).</summary>
public static class Signals
{
    public const int Kill = 9, Terminate = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    static extern int SendSignal(int pid, int signal);

    public static void Send(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastWin32Error()}");
    }
}
