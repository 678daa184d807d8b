using System.Text;
using StackExchange.Redis;
using TextTagger.Inference;
using TextTagger.Streaming;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;
using Xunit.Abstractions;

namespace TextTagger.Tests.Streaming;

/// <summary>A fleet of worker processes on a real redis-server: 2,000 real comments through two workers, a worker
/// killed mid-batch, one stopped mid-batch, and Redis restarted mid-run — every input ends with exactly one result.</summary>
public sealed class StreamWorkerTests(TinyModelFixture model, ITestOutputHelper log) : IClassFixture<TinyModelFixture>, IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The first <paramref name="count"/> real comments as a CSV with an id column, pushed with `texttagger stream push`.</summary>
    void Push(RedisServer redis, int count, int skip = 0)
    {
        string csv = _folder.Combine($"comments-{skip}.csv");
        var lines = SharedData.Comments.Skip(skip).Take(count).Select((t, i) => $"c{skip + i},\"{t.Replace("\"", "\"\"")}\"");
        File.WriteAllText(csv, "id,comment_text\n" + string.Join("\n", lines) + "\n");
        var pushed = CliRunner.Run("stream", "push", "--redis", redis.Address, "--stream", StreamFleet.Stream, "--input", csv);
        Assert.True(pushed.ExitCode == 0, pushed.Error);
        Assert.Contains($"pushed {count:N0} texts to {StreamFleet.Stream}", pushed.Output);
    }

    [Fact]
    public async Task Two_workers_score_2000_real_comments_exactly_once_and_stop_cleanly()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();
        Push(redis, 2000);
        using var a = DotnetProcess.Worker(StreamFleet.WorkerArguments(model.Exported, redis.Address, "a"));
        using var b = DotnetProcess.Worker(StreamFleet.WorkerArguments(model.Exported, redis.Address, "b"));

        await StreamFleet.WaitForResultsAsync(db, 2000, TimeSpan.FromSeconds(120));
        var stats = CliRunner.Run("stream", "stats", "--redis", redis.Address, "--stream", StreamFleet.Stream);
        log.WriteLine(stats.Output);
        Assert.Contains("stream comments: 2,000 entries; results 2,000; dead letters 0", stats.Output);
        Assert.Contains("group taggers: pending 0, lag 0", stats.Output);
        Assert.Contains("consumer a: pending 0", stats.Output);
        a.Signal(Signals.Terminate);
        b.Signal(Signals.Terminate);
        Assert.Equal(0, await a.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await b.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        log.WriteLine(a.Log);
        using var tagger = Tagger.Load(model.Exported);
        await StreamFleet.AssertExactlyOneResultEachAsync(db, tagger, 2000);
        Assert.Contains("worker a stopped", a.Log);
        Assert.Contains("worker b stopped", b.Log);
    }

    /// <summary>Starts a worker whose Redis traffic goes through <paramref name="proxy"/>, and returns once it is
    /// provably mid-batch: it has read a batch and its script that writes the results and acks them is held at the proxy.</summary>
    static async Task<DotnetProcess> StartAndCatchMidBatchAsync(RedisProxy proxy, Func<string, string[]> arguments)
    {
        var worker = DotnetProcess.Worker(arguments(proxy.Address));
        try
        {
            if (await Task.WhenAny(proxy.Held, worker.Exited).WaitAsync(TimeSpan.FromSeconds(120)) != proxy.Held)
                throw new InvalidOperationException("the worker ended before it wrote a batch: " + worker.Log);
            return worker;
        }
        catch
        {
            worker.Dispose();   // never leave a worker process behind
            throw;
        }
    }

    /// <summary>A proxy that holds the worker's first write of results (the ResultWriter's script, sent as EVALSHA or EVAL).</summary>
    static RedisProxy HoldingResults(RedisServer redis) => new(redis.Address, "EVALSHA", "EVAL");

    [Fact]
    public async Task A_worker_killed_mid_batch_has_its_entries_claimed_and_scored_by_another()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();
        Push(redis, 2000);
        await using (var proxy = HoldingResults(redis))
        {
            using var doomed = await StartAndCatchMidBatchAsync(proxy, address => StreamFleet.WorkerArguments(model.Exported, address, "doomed", "--batch", "400"));
            doomed.Signal(Signals.Kill);
            Assert.NotEqual(0, await doomed.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }
        long orphaned = await StreamFleet.PendingOfAsync(db, "doomed");
        log.WriteLine($"killed with {orphaned} entries read and not acked");
        Assert.Equal(400, orphaned);   // its whole first batch, read and never acked

        using var heir = DotnetProcess.Worker(StreamFleet.WorkerArguments(model.Exported, redis.Address, "heir", "--claim-idle-ms", "1000"));
        await StreamFleet.WaitForResultsAsync(db, 2000, TimeSpan.FromSeconds(120));
        heir.Signal(Signals.Terminate);
        Assert.Equal(0, await heir.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        log.WriteLine(heir.Log);
        Assert.Contains("claimed", heir.Log);
        using var tagger = Tagger.Load(model.Exported);
        await StreamFleet.AssertExactlyOneResultEachAsync(db, tagger, 2000);
    }

    [Fact]
    public async Task Sigterm_mid_batch_finishes_and_acks_the_batch_then_exits_0()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();
        Push(redis, 2000);
        await using var proxy = HoldingResults(redis);
        using var worker = await StartAndCatchMidBatchAsync(proxy, address => StreamFleet.WorkerArguments(model.Exported, address, "w", "--batch", "400"));
        Assert.Equal(400, await StreamFleet.PendingOfAsync(db, "w"));   // mid-batch: read, not yet written
        worker.Signal(Signals.Terminate);
        await worker.WaitForLineAsync(l => l.Contains("worker w stopping: finishing the batch in hand"), TimeSpan.FromSeconds(30));
        proxy.Release();
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        log.WriteLine(worker.Log);
        Assert.Equal(0, await StreamFleet.PendingOfAsync(db, "w"));   // the batch in hand was written and acked
        long results = await StreamFleet.ResultCountAsync(db);
        Assert.Equal(400, results);   // that batch, and no other after SIGTERM
        var group = (await db.StreamGroupInfoAsync(StreamFleet.Stream)).Single();
        Assert.Equal(results, group.EntriesRead);   // every entry it read was answered
    }

    [Fact]
    public async Task Redis_restarted_mid_run_loses_nothing_and_the_worker_says_so_once()
    {
        await using var redis = await RedisServer.StartAsync();
        Push(redis, 1000);
        using var worker = DotnetProcess.Worker(StreamFleet.WorkerArguments(model.Exported, redis.Address, "w", "--batch", "50"));
        await using (var connection = await redis.ConnectAsync())   // closed before the restart, and whatever happens
            await StreamFleet.WaitForResultsAsync(connection.GetDatabase(), 200, TimeSpan.FromSeconds(60));
        await redis.RestartAsync(TimeSpan.FromSeconds(2));

        using var again = await redis.ConnectAsync();
        var db = again.GetDatabase();
        Push(redis, 1000, skip: 1000);
        await StreamFleet.WaitForResultsAsync(db, 2000, TimeSpan.FromSeconds(120));
        worker.Signal(Signals.Terminate);
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        log.WriteLine(worker.Log);
        // Said once per outage: the restart (a busy CI machine may add a timeout of its own), each one closed by "back".
        int lost = System.Text.RegularExpressions.Regex.Matches(worker.Log, "lost Redis at").Count;
        int back = System.Text.RegularExpressions.Regex.Matches(worker.Log, "Redis is back after").Count;
        Assert.True(lost >= 1 && lost == back, $"{lost} 'lost' lines, {back} 'back' lines");
        using var tagger = Tagger.Load(model.Exported);
        await StreamFleet.AssertExactlyOneResultEachAsync(db, tagger, 2000);
    }
}
