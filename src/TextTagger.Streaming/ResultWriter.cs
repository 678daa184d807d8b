using System.Globalization;
using StackExchange.Redis;
using TextTagger.Inference;

namespace TextTagger.Streaming;

/// <summary>
/// Writes results (or dead letters) and acks their input entries in one Lua script, which Redis runs atomically: an
/// entry is either answered and acked, or neither, whatever happens to the worker. The script also records each input
/// id in the index hash (HSETNX) and writes nothing for an id already there, so an entry delivered twice (claimed
/// from a worker that was slow, not dead) still gets exactly one result.
/// </summary>
public sealed class ResultWriter(IDatabaseAsync db, StreamOptions streams)
{
    /// <summary>Result fields the worker writes; an input field of the same name is passed through as "in:NAME".</summary>
    public const string InputIdField = "input_id", TagsField = "tags", TruncatedField = "truncated", ReasonField = "reason";
    public const string ProbabilityPrefix = "p:", PassedPrefix = "in:";

    // KEYS: input stream, output stream, index. ARGV: group, n, then per entry: id, field count, name, value, ...
    const string Script = """
        local group, n, at, written = ARGV[1], tonumber(ARGV[2]), 3, 0
        for e = 1, n do
          local id, count = ARGV[at], tonumber(ARGV[at + 1])
          at = at + 2
          if redis.call('HSETNX', KEYS[3], id, '') == 1 then
            local fields = {}
            for f = 1, 2 * count do fields[f] = ARGV[at + f - 1] end
            redis.call('HSET', KEYS[3], id, redis.call('XADD', KEYS[2], '*', unpack(fields)))
            written = written + 1
          end
          at = at + 2 * count
          redis.call('XACK', KEYS[1], group, id)
        end
        return written
        """;

    /// <summary>Writes one result per item (probabilities, tags, the input id and passed fields) and acks them all.</summary>
    /// <returns>Results written (fewer than the items when some were answered before).</returns>
    public Task<int> WriteResultsAsync(IReadOnlyList<WorkItem> items, IReadOnlyList<Prediction> predictions)
    {
        var entries = new List<(RedisValue Id, List<RedisValue> Fields)>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            var p = predictions[i];
            var fields = new List<RedisValue> { InputIdField, items[i].Id };
            for (int l = 0; l < p.Labels.Count; l++)
            {
                fields.Add(ProbabilityPrefix + p.Labels[l]);
                fields.Add(p.Probabilities[l].ToString("R", CultureInfo.InvariantCulture));
            }
            fields.Add(TagsField);
            fields.Add(string.Join('|', p.Tags));
            fields.Add(TruncatedField);
            fields.Add(p.Truncated ? "1" : "0");
            Pass(fields, items[i].Passed);
            entries.Add((items[i].Id, fields));
        }
        return RunAsync(streams.Results, entries);
    }

    /// <summary>Sends poison entries to the dead letters with their reason and fields, and acks them.</summary>
    public Task<int> WriteDeadLettersAsync(IReadOnlyList<PoisonEntry> poison) =>
        RunAsync(streams.DeadLetters, poison.Select(p =>
        {
            var fields = new List<RedisValue> { InputIdField, p.Id, ReasonField, p.Reason };
            Pass(fields, p.Fields);
            return (p.Id, fields);
        }).ToList());

    static void Pass(List<RedisValue> fields, IEnumerable<NameValueEntry> passed)
    {
        foreach (var field in passed)
        {
            string name = field.Name!;
            bool reserved = name is InputIdField or TagsField or TruncatedField or ReasonField ||
                            name.StartsWith(ProbabilityPrefix, StringComparison.Ordinal) || name.StartsWith(PassedPrefix, StringComparison.Ordinal);
            fields.Add(reserved ? PassedPrefix + name : name);
            fields.Add(field.Value);
        }
    }

    async Task<int> RunAsync(string output, List<(RedisValue Id, List<RedisValue> Fields)> entries)
    {
        if (entries.Count == 0) return 0;
        var args = new List<RedisValue>(2 + entries.Sum(e => 2 + e.Fields.Count)) { streams.Group, entries.Count };
        foreach (var (id, fields) in entries)
        {
            args.Add(id);
            args.Add(fields.Count / 2);
            args.AddRange(fields);
        }
        var written = await db.ScriptEvaluateAsync(Script, [streams.Stream, output, streams.Index], args.ToArray());
        return (int)written;
    }
}
