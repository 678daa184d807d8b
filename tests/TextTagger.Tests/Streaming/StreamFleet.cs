using System.Globalization;
using StackExchange.Redis;
using TextTagger.Inference;
using TextTagger.Streaming;

namespace TextTagger.Tests.Streaming;

/// <summary>What the stream tests check at the end of a run: every input entry has exactly one answer (a result, or a
/// dead letter), results equal the tagger's own predictions, and nothing is pending.</summary>
static class StreamFleet
{
    public const string Stream = "comments", Group = "taggers";
    public static readonly StreamOptions Streams = new() { Stream = Stream, Group = Group };

    public static string[] WorkerArguments(string model, string redis, string consumer, params string[] more) =>
        ["--model", model, "--redis", redis, "--stream", Stream, "--group", Group, "--consumer", consumer, "--threads", "1",
         "--block-ms", "20", "--progress-seconds", "1", .. more];

    public static async Task<long> ResultCountAsync(IDatabase db) =>
        await db.KeyExistsAsync(Streams.Results) ? await db.StreamLengthAsync(Streams.Results) : 0;

    public static async Task WaitForResultsAsync(IDatabase db, long expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await ResultCountAsync(db) < expected)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{await ResultCountAsync(db)} of {expected} results after {timeout.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    /// <summary>Every input entry answered exactly once, each result equal to <paramref name="tagger"/>'s prediction of
    /// its text, the passed-through id kept, and the group's pending list empty.</summary>
    public static async Task AssertExactlyOneResultEachAsync(IDatabase db, Tagger tagger, int expected)
    {
        var inputs = await db.StreamRangeAsync(Stream);
        var results = await db.StreamRangeAsync(Streams.Results);
        Assert.Equal(expected, inputs.Length);
        Assert.Equal(expected, results.Length);
        var byInput = results.GroupBy(r => (string)r[ResultWriter.InputIdField]!).ToDictionary(g => g.Key, g => g.ToArray());
        Assert.Equal(expected, byInput.Count);   // no input answered twice
        Assert.Equal(expected, await db.HashLengthAsync(Streams.Index));

        var texts = inputs.Select(e => (string)e[StreamEntries.TextField]!).ToArray();
        var predictions = tagger.Predict(texts);
        for (int i = 0; i < inputs.Length; i++)
        {
            var result = Assert.Single(byInput[inputs[i].Id!]);
            Assert.Equal((string?)inputs[i][StreamPusher.IdField], (string?)result[StreamPusher.IdField]);
            for (int l = 0; l < tagger.Labels.Count; l++)
            {
                double p = double.Parse((string)result[ResultWriter.ProbabilityPrefix + tagger.Labels[l]]!, CultureInfo.InvariantCulture);
                Assert.Equal(predictions[i].Probabilities[l], p, 1e-5);
            }
            Assert.Equal(string.Join('|', predictions[i].Tags), (string?)result[ResultWriter.TagsField]);
        }
        var pending = await db.StreamPendingAsync(Stream, Group);
        Assert.Equal(0, pending.PendingMessageCount);
    }

    /// <summary>Entries <paramref name="consumer"/> has read and not acked (0 before the workers made the group).</summary>
    public static async Task<long> PendingOfAsync(IDatabase db, string consumer)
    {
        try
        {
            var pending = await db.StreamPendingAsync(Stream, Group);
            return pending.Consumers?.FirstOrDefault(c => c.Name == consumer).PendingMessageCount ?? 0;
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            return 0;
        }
    }
}
