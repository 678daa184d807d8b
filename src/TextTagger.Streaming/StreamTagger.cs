using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TextTagger.Inference;

namespace TextTagger.Streaming;

/// <summary>What a worker has done so far.</summary>
public sealed class WorkerCounters
{
    long _scored, _dead, _claimed, _batches;
    public long Scored => Interlocked.Read(ref _scored);
    public long Dead => Interlocked.Read(ref _dead);
    public long Claimed => Interlocked.Read(ref _claimed);
    public long Batches => Interlocked.Read(ref _batches);
    internal void Add(int scored, int dead, int claimed)
    {
        Interlocked.Add(ref _scored, scored);
        Interlocked.Add(ref _dead, dead);
        Interlocked.Add(ref _claimed, claimed);
        Interlocked.Increment(ref _batches);
    }
}

/// <summary>
/// One worker of a fleet on a Redis stream and consumer group: reads a batch of entries with XREADGROUP (its own
/// unacknowledged entries first, after a restart under the same name), scores them with the tagger, and writes each
/// result and acks it atomically (<see cref="ResultWriter"/>); entries that cannot be scored go to the dead letters.
/// Entries another consumer has held for <see cref="WorkerOptions.ClaimIdle"/> are claimed (XPENDING with IDLE, then
/// XCLAIM: XAUTOCLAIM's work, with the delivery counts it does not return) and scored here, or sent to the dead
/// letters once delivered <see cref="WorkerOptions.MaxDeliveries"/> times. Guarantee: at least once, idempotent by
/// input entry id — every entry ends with exactly one result or dead letter.
/// </summary>
public sealed class StreamTagger(Tagger tagger, IDatabaseAsync db, StreamOptions streams, WorkerOptions options, ILogger log)
{
    readonly ResultWriter _writer = new(db, streams);
    long _lastClaim = long.MinValue / 2;
    bool _ownPendingDone;

    public WorkerCounters Counters { get; } = new();

    /// <summary>After a lost connection: a batch in flight may have been read and not acked, so this consumer's own
    /// pending entries are read again first (not left for another to claim after the idle time).</summary>
    public void ReadOwnPendingAgain() => _ownPendingDone = false;

    /// <summary>Creates the consumer group (and the stream) if missing, reading from the stream's first entry.</summary>
    public async Task EnsureGroupAsync()
    {
        try
        {
            await db.StreamCreateConsumerGroupAsync(streams.Stream, streams.Group, "0", createStream: true);
            log.LogInformation("created consumer group {Group} on {Stream}", streams.Group, streams.Stream);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal)) { }
    }

    /// <summary>One step: claim idle entries when due, else read new ones; score, write, ack.</summary>
    /// <param name="abandon">Gives up the batch in hand between two forward passes, unacked (the host's shutdown
    /// timeout passed); reading and writing are not cancelled by it.</param>
    /// <returns>Entries handled (0: nothing to do).</returns>
    public async Task<int> StepAsync(CancellationToken abandon = default)
    {
        var claimed = await ClaimIdleAsync();
        if (claimed.Count > 0) return await HandleAsync(claimed, claimed.Count, abandon);

        // After a restart under the same name, this consumer's own unacked entries come first ("0"), then new ones.
        var entries = await db.StreamReadGroupAsync(streams.Stream, streams.Group, streams.Consumer,
                                                    _ownPendingDone ? StreamPosition.NewMessages : "0", options.Batch);
        if (!_ownPendingDone && entries.Length == 0)
        {
            _ownPendingDone = true;
            entries = await db.StreamReadGroupAsync(streams.Stream, streams.Group, streams.Consumer, StreamPosition.NewMessages, options.Batch);
        }
        return entries.Length == 0 ? 0 : await HandleAsync(entries, 0, abandon);
    }

    async Task<IReadOnlyList<StreamEntry>> ClaimIdleAsync()
    {
        long now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_lastClaim, now) < options.ClaimIdle / 4) return [];
        _lastClaim = now;
        long idle = (long)options.ClaimIdle.TotalMilliseconds;
        var pending = await db.StreamPendingMessagesAsync(streams.Stream, streams.Group, options.Batch, RedisValue.Null, minIdleTimeInMs: idle);
        var others = pending.Where(p => p.ConsumerName != streams.Consumer || _ownPendingDone).ToArray();
        if (others.Length == 0) return [];

        var claimed = await db.StreamClaimAsync(streams.Stream, streams.Group, streams.Consumer, idle, others.Select(p => p.MessageId).ToArray());
        var exhausted = others.Where(p => p.DeliveryCount + 1 > options.MaxDeliveries).Select(p => p.MessageId).ToHashSet();
        if (exhausted.Count > 0)
        {
            var fieldsOf = claimed.Where(e => !e.IsNull).ToDictionary(e => e.Id, e => e.Values);
            var dead = others.Where(p => exhausted.Contains(p.MessageId))
                .Select(p => new PoisonEntry(p.MessageId, $"delivered {p.DeliveryCount} times without being acked (--max-deliveries {options.MaxDeliveries})",
                                             fieldsOf.TryGetValue(p.MessageId, out var f) ? f : []))
                .ToArray();
            int written = await _writer.WriteDeadLettersAsync(dead);
            Counters.Add(0, written, dead.Length);
            log.LogWarning("{Count} entries sent to the dead letters after {Max} deliveries", dead.Length, options.MaxDeliveries);
        }
        // Ids XCLAIM found pending but whose entries were deleted from the stream come back empty: poison, so acked.
        var live = claimed.Where(e => !exhausted.Contains(e.Id)).ToArray();
        var gone = others.Select(p => p.MessageId).Except(claimed.Select(e => e.Id)).Except(exhausted).ToArray();
        if (gone.Length > 0) await _writer.WriteDeadLettersAsync(gone.Select(id => new PoisonEntry(id, "the entry is gone from the stream", [])).ToArray());
        if (live.Length > 0) log.LogInformation("claimed {Count} entries left unacked for {Idle} ms by {Consumers}", live.Length, idle,
                                                string.Join(", ", others.Select(p => p.ConsumerName.ToString()).Distinct()));
        return live;
    }

    async Task<int> HandleAsync(IReadOnlyList<StreamEntry> entries, int claimedCount, CancellationToken abandon)
    {
        var work = new List<WorkItem>(entries.Count);
        var poison = new List<PoisonEntry>();
        foreach (var entry in entries)
        {
            var (item, bad) = StreamEntries.Read(entry, options.MaxTextLength);
            if (item != null) work.Add(item);
            else poison.Add(bad!);
        }
        int dead = await _writer.WriteDeadLettersAsync(poison);
        if (poison.Count > 0) log.LogWarning("{Count} entries sent to the dead letters: {Reason}", poison.Count, poison[0].Reason);
        int scored = 0;
        if (work.Count > 0)
        {
            // Scoring failures leave the entries unacked: they are claimed again later, and dead after the max deliveries.
            var predictions = await tagger.PredictAsync(work.Select(w => w.Text).ToArray(), abandon);
            scored = await _writer.WriteResultsAsync(work, predictions);
        }
        Counters.Add(scored, dead, claimedCount);
        return entries.Count;
    }
}
