using System.Text;
using StackExchange.Redis;

namespace TextTagger.Streaming;

/// <summary>An input entry the model can score: its id, its text, and the other fields, passed through to the result.</summary>
public sealed record WorkItem(RedisValue Id, string Text, NameValueEntry[] Passed);

/// <summary>An input entry that cannot be scored, and why (it goes to the dead letters with its fields).</summary>
public sealed record PoisonEntry(RedisValue Id, string Reason, NameValueEntry[] Fields);

/// <summary>Reads input entries: a `text` field of valid UTF-8 within the length limit, any other fields passed
/// through.</summary>
public static class StreamEntries
{
    public const string TextField = "text";
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Either a work item or the reason it is poison.</summary>
    public static (WorkItem? Work, PoisonEntry? Poison) Read(StreamEntry entry, int maxTextLength)
    {
        var fields = entry.Values ?? [];
        if (entry.IsNull || fields.Length == 0)
            return (null, new PoisonEntry(entry.Id, "the entry is gone from the stream or has no fields", fields));
        var text = fields.Where(f => f.Name == TextField).ToArray();
        if (text.Length == 0) return (null, new PoisonEntry(entry.Id, $"no '{TextField}' field", fields));
        if (text.Length > 1) return (null, new PoisonEntry(entry.Id, $"{text.Length} '{TextField}' fields", fields));
        string decoded;
        try
        {
            decoded = StrictUtf8.GetString((byte[])text[0].Value!);
        }
        catch (DecoderFallbackException e)
        {
            return (null, new PoisonEntry(entry.Id, $"the text is not valid UTF-8 (byte {e.Index})", fields));
        }
        if (decoded.Length > maxTextLength)
            return (null, new PoisonEntry(entry.Id, $"the text has {decoded.Length:N0} characters; at most {maxTextLength:N0} are scored", fields));
        return (new WorkItem(entry.Id, decoded, fields.Where(f => f.Name != TextField).ToArray()), null);
    }
}
