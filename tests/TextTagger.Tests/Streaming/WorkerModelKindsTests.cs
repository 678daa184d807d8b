using System.Globalization;
using System.Text;
using StackExchange.Redis;
using TextTagger.Ensembles;
using TextTagger.Inference;
using TextTagger.Streaming;
using TextTagger.Tests.Inference;
using TextTagger.Tests.NGram;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;
using Xunit.Abstractions;

namespace TextTagger.Tests.Streaming;

/// <summary>Worker processes on a real redis-server with the other kinds of model: an n-gram model and an ensemble
/// (TextTagger.Worker, no libtorch), TorchSharp weights with --long-texts window (`texttagger worker`); results and
/// dead letters in streams named on the command line; and `stream push` given bad files.</summary>
public sealed class WorkerModelKindsTests(NGramModelFixture ngram, TinyModelFixture tiny, WideTinyModelFixture wide, ITestOutputHelper log)
    : IClassFixture<NGramModelFixture>, IClassFixture<TinyModelFixture>, IClassFixture<WideTinyModelFixture>, IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    static string[] Worker(string model, string redis, string stream, params string[] more) =>
        ["--model", model, "--redis", redis, "--stream", stream, "--group", "g", "--consumer", "w", "--threads", "1", "--block-ms", "20",
         "--progress-seconds", "1", .. more];

    string PushCsv(RedisServer redis, string stream, IReadOnlyList<string> texts)
    {
        string csv = _folder.Combine(stream + ".csv");
        File.WriteAllText(csv, "id,comment_text\n" + string.Concat(texts.Select((t, i) => $"{stream}-{i},\"{t.Replace("\"", "\"\"")}\"\n")));
        var pushed = CliRunner.Run("stream", "push", "--redis", redis.Address, "--stream", stream, "--input", csv);
        Assert.True(pushed.ExitCode == 0, pushed.Error);
        return csv;
    }

    /// <summary>Waits until every input entry of <paramref name="stream"/> has a result or a dead letter (the lengths of
    /// the streams the worker writes).</summary>
    static async Task WaitForAnswersAsync(IDatabase db, string stream, string results, string dead)
    {
        long inputs = await db.StreamLengthAsync(stream);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long answered;
        while ((answered = await db.StreamLengthAsync(results) + await db.StreamLengthAsync(dead)) < inputs)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{answered} of {inputs} entries of {stream} answered");
            await Task.Delay(50);
        }
    }

    /// <summary>Each text's result (by input entry) holds the tagger's probabilities (to 1e-6: the worker runs one thread),
    /// its tags and the passed-through id; returns the results by input entry id.</summary>
    static async Task<Dictionary<string, StreamEntry>> AssertResultsAsync(IDatabase db, string stream, string results, Tagger tagger,
                                                                          IReadOnlyList<string> texts)
    {
        var inputs = (await db.StreamRangeAsync(stream)).Where(e => !e[StreamEntries.TextField].IsNull).ToArray();
        var byInput = (await db.StreamRangeAsync(results)).ToDictionary(r => (string)r[ResultWriter.InputIdField]!);
        var expected = tagger.Predict(texts);
        foreach (var input in inputs)
        {
            string text = (string)input[StreamEntries.TextField]!;
            int i = texts.ToList().IndexOf(text);
            if (i < 0) continue;   // not one of the texts to score (a dead letter)
            var result = byInput[input.Id!];
            Assert.Equal((string?)input[StreamPusher.IdField], (string?)result[StreamPusher.IdField]);
            for (int l = 0; l < tagger.Labels.Count; l++)
                Assert.Equal(expected[i].Probabilities[l], double.Parse((string)result[ResultWriter.ProbabilityPrefix + tagger.Labels[l]]!, CultureInfo.InvariantCulture), 1e-6);
            Assert.Equal(string.Join('|', expected[i].Tags), (string?)result[ResultWriter.TagsField]);
        }
        Assert.Equal(0, (await db.StreamPendingAsync(stream, "g")).PendingMessageCount);
        return byInput;
    }

    [Fact]
    public async Task An_ngram_worker_and_an_ensemble_worker_write_to_the_result_and_dead_letter_streams_they_are_given()
    {
        string ensemble = _folder.Combine("ensemble");
        EnsembleBuilder.Build([ngram.Model, tiny.Exported], TextTagger.Data.CsvDatasetReader.Load(ngram.Tune), EnsembleWeighting.Shared, ensemble);
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();

        var texts = TextTagger.Data.CsvDatasetReader.Load(ngram.Validation).Rows.Select(r => r.Text).Take(150).ToArray();
        var runs = new[] { (Name: "ngram", Model: ngram.Model), (Name: "both", Model: ensemble) };
        foreach (var (name, _) in runs)
        {
            PushCsv(redis, name, texts);
            await db.StreamAddAsync(name, [new NameValueEntry("body", "no text here")]);
            await db.StreamAddAsync(name, [new NameValueEntry(StreamEntries.TextField, new string('w', 301))]);
        }
        var workers = runs.Select(r => DotnetProcess.Worker(Worker(r.Model, redis.Address, r.Name, "--results-stream", $"{r.Name}-scored",
                                                                   "--dead-letter-stream", $"{r.Name}-poison", "--max-text-length", "300"))).ToArray();
        try
        {
            foreach (var (name, model) in runs)
            {
                await WaitForAnswersAsync(db, name, $"{name}-scored", $"{name}-poison");
                using var tagger = Tagger.Load(model);
                var results = await AssertResultsAsync(db, name, $"{name}-scored", tagger, texts);
                Assert.Equal(texts.Length, results.Count);
                var dead = await db.StreamRangeAsync($"{name}-poison");
                Assert.Equal(["no 'text' field", "the text has 301 characters; at most 300 are scored"],
                             dead.Select(d => (string?)d[ResultWriter.ReasonField]).Order());
                Assert.Equal(texts.Length + 2, await db.HashLengthAsync($"{name}-scored:index"));   // dead letters are answers too
                Assert.False(await db.KeyExistsAsync($"{name}:results"));   // nothing went to the default streams
                Assert.False(await db.KeyExistsAsync($"{name}:dead"));
            }
            using (var check = Tagger.Load(ensemble)) Assert.StartsWith("ensemble(", check.EngineName);

            var stats = CliRunner.Run("stream", "stats", "--redis", redis.Address, "--stream", "both", "--group", "g",
                                      "--results-stream", "both-scored", "--dead-letter-stream", "both-poison");
            Assert.True(stats.ExitCode == 0, stats.Error);
            Assert.Contains($"stream both: {texts.Length + 2} entries; results {texts.Length}; dead letters 2", stats.Output);

            foreach (var worker in workers) worker.Signal(Signals.Terminate);
            foreach (var worker in workers) Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            log.WriteLine(workers[1].Log);
            Assert.Contains("results to both-scored, dead letters to both-poison", workers[1].Log);
            Assert.Contains($"worker w stopped: scored {texts.Length}, dead letters 2", workers[1].Log);
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
        }
    }

    [Fact]
    public async Task A_torchsharp_worker_with_long_texts_window_scores_every_window()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();
        PushCsv(redis, "long", WideTinyModelFixture.Texts);
        using var worker = DotnetProcess.Cli(["worker", .. Worker(wide.Directory, redis.Address, "long", "--engine", "torch", "--long-texts", "window")]);
        await WaitForAnswersAsync(db, "long", "long:results", "long:dead");
        worker.Signal(Signals.Terminate);
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        log.WriteLine(worker.Log);

        var inputs = await db.StreamRangeAsync("long");
        var byInput = (await db.StreamRangeAsync("long:results")).ToDictionary(r => (string)r[ResultWriter.InputIdField]!);
        var answers = inputs.Select(input =>
        {
            var result = byInput[input.Id!];
            Assert.Equal("0", (string?)result[ResultWriter.TruncatedField]);
            var probabilities = TinyModelFixture.Labels.ToDictionary(l => l, l => double.Parse((string)result[ResultWriter.ProbabilityPrefix + l]!, CultureInfo.InvariantCulture));
            return System.Text.Json.JsonSerializer.SerializeToElement(new { probabilities });
        }).ToArray();
        WindowAssert.AssertWindowAnswers(wide, answers, inputs.Select(i => (string)i[StreamEntries.TextField]!).ToArray());
    }

    /// <summary>Entries of <paramref name="stream"/> read by group g and not acked (0 before the group exists).</summary>
    static async Task<long> PendingAsync(IDatabase db, string stream)
    {
        try
        {
            return (await db.StreamPendingAsync(stream, "g")).PendingMessageCount;
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            return 0;
        }
    }

    [Fact]
    public async Task Sigterm_while_a_batch_takes_seconds_writes_and_acks_it_then_exits_0()
    {
        // One text of 400,000 words scored in windows of 8 (100,000 forward rows): several seconds on 2 cores, longer
        // than System.CommandLine's default 2 s grace, after which the worker used to exit 143 with the batch unacked.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();
        string text = string.Join(' ', Enumerable.Range(0, 400_000).Select(i => TinyModelDirectory.Words[i * 7 % TinyModelDirectory.Words.Length]));
        var entry = await db.StreamAddAsync("slow", [new NameValueEntry(StreamEntries.TextField, text)]);
        // The batch gets all the time it needs: on a loaded machine it has taken over the default 30 s.
        using var worker = DotnetProcess.Cli(["worker", .. Worker(wide.Directory, redis.Address, "slow", "--engine", "torch", "--long-texts", "window",
                                                                  "--max-text-length", "10000000", "--shutdown-timeout", "600")]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await PendingAsync(db, "slow") == 0)   // it holds the entry: scoring has begun
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the worker never read the entry: " + worker.Log);
            await Task.Delay(10);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        worker.Signal(Signals.Terminate);
        int exit = await worker.WaitForExitAsync(TimeSpan.FromSeconds(600));
        log.WriteLine($"exit {exit} {clock.Elapsed.TotalSeconds:F1} s after SIGTERM\n{worker.Log}");
        Assert.Equal(0, exit);
        var result = Assert.Single(await db.StreamRangeAsync("slow:results"));
        Assert.Equal(entry.ToString(), (string?)result[ResultWriter.InputIdField]);
        Assert.Equal(0, (await db.StreamPendingAsync("slow", "g")).PendingMessageCount);
    }

    [Fact]
    public async Task Past_the_shutdown_timeout_the_batch_in_hand_stays_pending_and_the_worker_exits_cleanly()
    {
        // The same slow batch with --shutdown-timeout 1: the host stops before the batch ends and disposes the model
        // under it. No crash, no result, no ack: the entry waits for another consumer to claim it.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();
        string text = string.Join(' ', Enumerable.Range(0, 400_000).Select(i => TinyModelDirectory.Words[i * 7 % TinyModelDirectory.Words.Length]));
        await db.StreamAddAsync("slow", [new NameValueEntry(StreamEntries.TextField, text)]);
        using var worker = DotnetProcess.Cli(["worker", .. Worker(wide.Directory, redis.Address, "slow", "--engine", "torch", "--long-texts", "window",
                                                                  "--max-text-length", "10000000", "--shutdown-timeout", "1")]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await PendingAsync(db, "slow") == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the worker never read the entry: " + worker.Log);
            await Task.Delay(10);
        }
        worker.Signal(Signals.Terminate);
        int exit = await worker.WaitForExitAsync(TimeSpan.FromSeconds(120));
        log.WriteLine(worker.Log);
        Assert.Equal(0, exit);
        Assert.Contains("the shutdown timeout passed with a batch in hand", worker.Log);
        Assert.DoesNotContain("Exception", worker.Log);
        Assert.Empty(await db.StreamRangeAsync("slow:results"));
        Assert.Equal(1, (await db.StreamPendingAsync("slow", "g")).PendingMessageCount);
    }

    [Fact]
    public async Task Stream_push_of_a_bad_file_is_a_one_line_error_and_pushes_nothing()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();

        var good = string.Concat(Enumerable.Range(0, 700).Select(i => $"c{i},\"w{i % 40} good\"\n"));
        var cases = new (string Name, byte[] Content, string Error)[]
        {
            ("unterminated.csv", Encoding.UTF8.GetBytes("id,comment_text\n" + good + "c700,\"never closed\n"), "unterminated.csv:702"),
            ("fields.csv", Encoding.UTF8.GetBytes("id,comment_text\n" + good + "c700,one,two\n"), "fields.csv:702"),
            ("nocolumn.csv", Encoding.UTF8.GetBytes("id,body\n1,hello\n"), "comment_text"),
            ("binary.txt", [.. Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 700).Select(i => $"text {i}\n"))), 0x61, 0xC3, 0x28, 0x0A], "binary.txt:701"),
        };
        foreach (var (name, content, error) in cases)
        {
            string path = _folder.Bytes(name, content);
            var result = CliRunner.Run("stream", "push", "--redis", redis.Address, "--stream", "s", "--input", path);
            log.WriteLine($"{name}: exit {result.ExitCode}, {result.Error.Trim()}");
            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith("error: ", result.Error);
            Assert.Contains(error, result.Error);
            Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
            Assert.False(await db.KeyExistsAsync("s"), $"{name}: entries were pushed before the error");
        }
        var missing = CliRunner.Run("stream", "push", "--redis", redis.Address, "--stream", "s", "--input", _folder.Combine("none.csv"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("none.csv", missing.Error);
        var noStream = CliRunner.Run("stream", "push", "--redis", redis.Address, "--input", _folder.Combine("none.csv"));
        Assert.Equal(1, noStream.ExitCode);
        Assert.StartsWith("error: ", noStream.Error);
        Assert.DoesNotContain("   at ", missing.Error + noStream.Error);
    }
}
