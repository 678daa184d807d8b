using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using TextTagger.Inference;
using TextTagger.Streaming;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Streaming;

/// <summary>Entries that cannot be scored go to the dead letters with their reason and fields, and are acked, so they
/// never block the group — driven through the library (StreamTagger) on a real redis-server.</summary>
public sealed class PoisonEntryTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Poison_entries_go_to_the_dead_letters_with_the_reason_and_the_good_ones_are_scored()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();
        var streams = StreamFleet.Streams with { Consumer = "w" };
        // "unlucky" was delivered three times to workers that died before acking (a ghost consumer, claimed twice more).
        var unlucky = await db.StreamAddAsync(streams.Stream, [new("text", "w2 w3")]);
        await db.StreamCreateConsumerGroupAsync(streams.Stream, streams.Group, "0");
        Assert.Single(await db.StreamReadGroupAsync(streams.Stream, streams.Group, "ghost", StreamPosition.NewMessages, 1));
        foreach (var _ in Enumerable.Range(0, 2)) await db.StreamClaimAsync(streams.Stream, streams.Group, "ghost", 0, [unlucky]);
        var good = await db.StreamAddAsync(streams.Stream, [new("text", "bad w1"), new("app", "42"), new("tags", "kept")]);
        var noText = await db.StreamAddAsync(streams.Stream, [new("body", "hello")]);
        var binary = await db.StreamAddAsync(streams.Stream, [new("text", (RedisValue)new byte[] { 0x61, 0xC3, 0x28 })]);
        var tooLong = await db.StreamAddAsync(streams.Stream, [new("text", new string('a', 101))]);

        using var tagger = Tagger.Load(model.Exported);
        var options = new WorkerOptions { MaxTextLength = 100, MaxDeliveries = 3, ClaimIdle = TimeSpan.FromMilliseconds(1) };
        var worker = new StreamTagger(tagger, db, streams, options, NullLogger.Instance);
        // The ghost's entry is claimable once Redis reports it idle for the claim time.
        await Eventually.TrueAsync(async () => (await db.StreamPendingMessagesAsync(streams.Stream, streams.Group, 10, "ghost"))
                                                   .All(p => p.IdleTimeInMilliseconds >= 1), TimeSpan.FromSeconds(10), "the ghost's entry is idle");
        while (await worker.StepAsync() > 0) { }

        var dead = (await db.StreamRangeAsync(streams.DeadLetters)).ToDictionary(e => (string)e[ResultWriter.InputIdField]!);
        Assert.Equal(4, dead.Count);
        Assert.Equal("no 'text' field", (string?)dead[noText!][ResultWriter.ReasonField]);
        Assert.Equal("hello", (string?)dead[noText!]["body"]);   // the fields go with it, for a replay
        Assert.Equal("the text is not valid UTF-8 (byte 1)", (string?)dead[binary!][ResultWriter.ReasonField]);
        Assert.Equal("the text has 101 characters; at most 100 are scored", (string?)dead[tooLong!][ResultWriter.ReasonField]);
        Assert.Equal("delivered 3 times without being acked (--max-deliveries 3)", (string?)dead[unlucky!][ResultWriter.ReasonField]);

        var result = Assert.Single(await db.StreamRangeAsync(streams.Results));
        Assert.Equal(good.ToString(), (string?)result[ResultWriter.InputIdField]);
        Assert.Equal("42", (string?)result["app"]);            // passed through
        Assert.Equal("kept", (string?)result["in:tags"]);      // passed through beside the worker's own "tags"
        Assert.Equal(tagger.Predict("bad w1").Probabilities[0], double.Parse((string)result["p:toxic"]!, System.Globalization.CultureInfo.InvariantCulture), 1e-6);
        Assert.Equal(0, (await db.StreamPendingAsync(streams.Stream, streams.Group)).PendingMessageCount);
        Assert.Equal(4, worker.Counters.Dead);
        Assert.Equal(1, worker.Counters.Scored);

        // Delivered again (the group rewound), nothing is answered twice.
        await db.ExecuteAsync("XGROUP", "SETID", streams.Stream, streams.Group, "0");
        var again = new StreamTagger(tagger, db, streams with { Consumer = "w2" }, options, NullLogger.Instance);
        while (await again.StepAsync() > 0) { }
        Assert.Single(await db.StreamRangeAsync(streams.Results));
        Assert.Equal(4, await db.StreamLengthAsync(streams.DeadLetters));
        Assert.Equal(5, await db.HashLengthAsync(streams.Index));
    }
}
