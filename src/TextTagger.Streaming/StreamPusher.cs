using StackExchange.Redis;
using TextTagger.Inference;

namespace TextTagger.Streaming;

/// <summary>Enqueues a file of texts (a CSV with a text column and optional id column, or one text per line): one
/// XADD per text with a `text` field (and `id` when the file has ids), pipelined in chunks.</summary>
public static class StreamPusher
{
    public const string IdField = "id";

    /// <param name="progress">Called after each chunk with the texts pushed so far and the share of the file read.</param>
    /// <returns>Texts pushed.</returns>
    public static async Task<long> PushAsync(IDatabaseAsync db, string stream, ITextSource source, int chunk = 500,
                                             Action<long, double>? progress = null, CancellationToken cancellation = default)
    {
        long pushed = 0;
        foreach (var texts in source.Read().Chunk(chunk))
        {
            cancellation.ThrowIfCancellationRequested();
            await Task.WhenAll(texts.Select(t => db.StreamAddAsync(stream, t.Id is { } id
                ? [new NameValueEntry(StreamEntries.TextField, t.Text), new NameValueEntry(IdField, id)]
                : [new NameValueEntry(StreamEntries.TextField, t.Text)])));
            pushed += texts.Length;
            progress?.Invoke(pushed, source.Fraction);
        }
        return pushed;
    }
}
