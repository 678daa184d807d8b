using StackExchange.Redis;

namespace TextTagger.Streaming;

public sealed record ConsumerStats(string Name, long Pending, TimeSpan Idle);

public sealed record GroupStats(string Name, long Pending, long? Lag, string LastDelivered, IReadOnlyList<ConsumerStats> Consumers);

/// <summary>Where a fleet stands: the input stream's length, results and dead letters written, and per group the
/// entries pending (read, not acked), the lag (entries not yet read) and each consumer's pending count and idle time.</summary>
public sealed record StreamStats(string Stream, long Length, long Results, long DeadLetters, IReadOnlyList<GroupStats> Groups)
{
    public static async Task<StreamStats> ReadAsync(IDatabaseAsync db, StreamOptions streams)
    {
        if (!await db.KeyExistsAsync(streams.Stream))
            throw new TextTaggerException($"no stream '{streams.Stream}' on {streams.Redis}: push texts first (texttagger stream push)");
        long length = await db.StreamLengthAsync(streams.Stream);
        long results = await db.KeyExistsAsync(streams.Results) ? await db.StreamLengthAsync(streams.Results) : 0;
        long dead = await db.KeyExistsAsync(streams.DeadLetters) ? await db.StreamLengthAsync(streams.DeadLetters) : 0;
        var groups = new List<GroupStats>();
        foreach (var group in await db.StreamGroupInfoAsync(streams.Stream))
        {
            var consumers = (await db.StreamConsumerInfoAsync(streams.Stream, group.Name))
                .Select(c => new ConsumerStats(c.Name, c.PendingMessageCount, TimeSpan.FromMilliseconds(c.IdleTimeInMilliseconds))).ToArray();
            groups.Add(new GroupStats(group.Name, group.PendingMessageCount, group.Lag, group.LastDeliveredId ?? "", consumers));
        }
        return new StreamStats(streams.Stream, length, results, dead, groups);
    }

    public void WriteTo(TextWriter output)
    {
        output.WriteLine($"stream {Stream}: {Length:N0} entries; results {Results:N0}; dead letters {DeadLetters:N0}");
        foreach (var g in Groups)
        {
            output.WriteLine($"  group {g.Name}: pending {g.Pending:N0}, lag {(g.Lag is { } lag ? lag.ToString("N0") : "unknown")}, last delivered {g.LastDelivered}");
            foreach (var c in g.Consumers)
                output.WriteLine($"    consumer {c.Name}: pending {c.Pending:N0}, idle {c.Idle.TotalSeconds:F1} s");
        }
    }
}
