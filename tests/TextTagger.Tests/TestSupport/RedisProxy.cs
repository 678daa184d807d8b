using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TextTagger.Tests.TestSupport;

/// <summary>
/// A loopback TCP proxy in front of a redis-server that holds back the first command of a given name any client sends
/// (and everything that client sends after it) until <see cref="Release"/>: a test can then act while a worker is
/// provably mid-batch — it has read its batch, and its script that writes the results and acks them has not reached
/// Redis. Replies flow freely; once released, so does everything.
/// </summary>
public sealed class RedisProxy : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly string _upstreamHost;
    readonly int _upstreamPort;
    readonly byte[][] _markers;
    readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly CancellationTokenSource _stop = new();
    readonly List<TcpClient> _connections = [];
    readonly Task _accepting;
    int _holding;

    /// <param name="holdCommands">Command names (as a client sends them, e.g. EVALSHA): the first one any client sends is held.</param>
    public RedisProxy(string upstream, params string[] holdCommands)
    {
        var parts = upstream.Split(':');
        (_upstreamHost, _upstreamPort) = (parts[0], int.Parse(parts[1]));
        // A command name travels as a RESP bulk string: $7\r\nEVALSHA\r\n.
        _markers = holdCommands.SelectMany(c => new[] { c.ToUpperInvariant(), c.ToLowerInvariant() })
            .Select(c => Encoding.ASCII.GetBytes($"${c.Length}\r\n{c}\r\n")).ToArray();
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Completes when a held command has arrived (and is being held).</summary>
    public Task Held => _held.Task;

    /// <summary>Lets the held command, and everything after it, through.</summary>
    public void Release() => _released.TrySetResult();

    async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var upstream = new TcpClient();
                await upstream.ConnectAsync(_upstreamHost, _upstreamPort, _stop.Token);
                lock (_connections) _connections.AddRange([client, upstream]);
                _ = PumpAsync(upstream.GetStream(), client.GetStream(), hold: false);
                _ = PumpAsync(client.GetStream(), upstream.GetStream(), hold: true);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    async Task PumpAsync(NetworkStream from, NetworkStream to, bool hold)
    {
        var buffer = new byte[64 * 1024];
        var tail = Array.Empty<byte>();   // the end of the previous read: a marker may straddle two reads
        try
        {
            while (true)
            {
                int read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0) break;
                if (hold && !_released.Task.IsCompleted)
                {
                    var seen = tail.Concat(buffer.Take(read)).ToArray();
                    if (_markers.Any(m => seen.AsSpan().IndexOf(m) >= 0) && Interlocked.Exchange(ref _holding, 1) == 0)
                    {
                        _held.TrySetResult();
                        await _released.Task.WaitAsync(_stop.Token);
                    }
                    tail = seen[Math.Max(0, seen.Length - 32)..];
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_connections) foreach (var connection in _connections) connection.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
