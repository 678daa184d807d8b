using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TextTagger.Inference;

namespace TextTagger.Streaming;

/// <summary>
/// The worker as a .NET generic-host service (systemd, containers, the usual logging): runs <see cref="StreamTagger"/>
/// steps until stopped. On SIGTERM or Ctrl+C the batch in hand is finished, written and acked before the service
/// returns. When Redis goes away, it logs that once, retries with back-off (0.1 s doubling to 5 s) and logs when Redis
/// is back; nothing acked is lost and nothing unacked is skipped (it is read again or claimed).
/// </summary>
public sealed class StreamWorkerService(Tagger tagger, StreamOptions streams, WorkerOptions options, ILogger<StreamWorkerService> log)
    : BackgroundService
{
    static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100), LastBackoff = TimeSpan.FromSeconds(5);

    /// <summary>The running worker's counters (null until connected).</summary>
    public WorkerCounters? Counters { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var configuration = ConfigurationOptions.Parse(streams.Redis);
        configuration.AbortOnConnectFail = false;   // start, and keep going, while Redis is down: reconnect in the background
        configuration.ClientName = streams.Consumer;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var worker = new StreamTagger(tagger, redis.GetDatabase(), streams, options, log);
        Counters = worker.Counters;
        log.LogInformation("worker {Consumer}: group {Group} on {Stream} at {Redis}, results to {Results}, dead letters to {Dead}; model {Model}",
                           streams.Consumer, streams.Group, streams.Stream, streams.Redis, streams.Results, streams.DeadLetters, tagger.Source);

        // Said the moment SIGTERM (or Ctrl+C) arrives, before the batch in hand is finished: operators and tests see the
        // worker has been told.
        await using var stopping = stop.Register(() => log.LogInformation("worker {Consumer} stopping: finishing the batch in hand", streams.Consumer));

        // Lost and back are said once each per outage, whether the client noticed first (its events) or a command did.
        var outage = new Outage(log, streams.Redis);
        redis.ConnectionFailed += (_, e) => outage.Lost(e.Exception?.Message ?? e.FailureType.ToString());
        redis.ConnectionRestored += (_, _) => { worker.ReadOwnPendingAgain(); outage.Back(); };

        var backoff = FirstBackoff;
        bool groupReady = false;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        long reportedScored = 0, reportedBatches = 0;
        while (!stop.IsCancellationRequested)
        {
            int handled;
            try
            {
                if (!groupReady) { await worker.EnsureGroupAsync(); groupReady = true; }
                handled = await worker.StepAsync(_abandon.Token);   // not stopped by SIGTERM: a batch in hand is finished and acked
                outage.Back();
                backoff = FirstBackoff;
            }
            catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
            {
                log.LogWarning("worker {Consumer}: the shutdown timeout passed with a batch in hand; its entries stay pending and another consumer of group {Group} claims them after {ClaimIdle} s idle",
                               streams.Consumer, streams.Group, options.ClaimIdle.TotalSeconds);
                break;
            }
            catch (Exception e) when (IsRedisDown(e))
            {
                worker.ReadOwnPendingAgain();   // a batch in flight may have been read and not acked
                outage.Lost(e.Message);
                if (e.Message.Contains("NOGROUP", StringComparison.Ordinal)) groupReady = false;
                if (!await DelayAsync(backoff, stop)) break;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, LastBackoff.Ticks));
                continue;
            }
            if (clock.Elapsed - lastReport >= options.ProgressInterval && worker.Counters.Batches != reportedBatches)
            {
                var c = worker.Counters;
                reportedBatches = c.Batches;
                double rate = (c.Scored - reportedScored) / (clock.Elapsed - lastReport).TotalSeconds;
                log.LogInformation("scored {Scored:N0} ({Rate:F1}/s), dead letters {Dead:N0}, claimed {Claimed:N0}", c.Scored, rate, c.Dead, c.Claimed);
                lastReport = clock.Elapsed;
                reportedScored = c.Scored;
            }
            if (handled == 0 && !await DelayAsync(options.Block, stop)) break;
        }
        log.LogInformation("worker {Consumer} stopped: scored {Scored:N0}, dead letters {Dead:N0}, claimed {Claimed:N0}",
                           streams.Consumer, worker.Counters.Scored, worker.Counters.Dead, worker.Counters.Claimed);
    }

    // Cancelled when the host's shutdown timeout passes: the batch in hand stops between two forward passes, unacked.
    // Letting it run on while the process exits would tear libtorch down under a running forward pass.
    readonly CancellationTokenSource _abandon = new();

    /// <summary>Stops reading and lets the batch in hand finish; past the host's shutdown timeout that batch is given up
    /// within a forward pass, not acked: its entries stay pending and another consumer claims them.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);   // returns when the batch is done, or when the timeout passed
        if (ExecuteTask is { IsCompleted: false } running)
        {
            _abandon.Cancel();
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    static bool IsRedisDown(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException or ObjectDisposedException ||
        (e is RedisServerException s && (s.Message.StartsWith("LOADING", StringComparison.Ordinal) || s.Message.StartsWith("NOGROUP", StringComparison.Ordinal)));

    static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Whether Redis is reachable, and the two log lines that say when that changes.</summary>
    sealed class Outage(ILogger log, string redis)
    {
        readonly Lock _lock = new();
        DateTime? _since;

        public void Lost(string why)
        {
            lock (_lock)
            {
                if (_since != null) return;
                _since = DateTime.UtcNow;
            }
            log.LogWarning("lost Redis at {Redis} ({Message}); retrying with back-off", redis, why.Split('\n')[0].Split(" on ")[0]);
        }

        public void Back()
        {
            DateTime since;
            lock (_lock)
            {
                if (_since is not { } lost) return;
                since = lost;
                _since = null;
            }
            log.LogWarning("Redis is back after {Seconds:F1} s; going on", (DateTime.UtcNow - since).TotalSeconds);
        }
    }
}
