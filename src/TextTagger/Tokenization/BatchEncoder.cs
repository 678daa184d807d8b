using static TorchSharp.torch;

namespace TextTagger.Tokenization;

/// <summary>Encodes a batch on all cores (each thread encodes into its own scratch buffer) into tensors.</summary>
internal static class BatchEncoder
{
    public static EncodedBatch Encode(BertTokenizer tokenizer, IReadOnlyList<string> texts, int maxTokens, BatchPadding padding)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) throw new ArgumentException("The batch is empty.", nameof(texts));
        if (maxTokens < 2) throw new ArgumentOutOfRangeException(nameof(maxTokens), "At least 2 ([CLS] and [SEP]).");

        var rows = EncodeAll(tokenizer, texts, maxTokens);
        int[] lengths = rows.Select(r => r.Length).ToArray();

        int seq = padding == BatchPadding.MaxTokens ? maxTokens : lengths.Max();
        return Pad(rows, seq, tokenizer.PadId);
    }

    /// <summary>[CLS] … [SEP] ids of every text, truncated to <paramref name="maxTokens"/>, on all cores.</summary>
    public static long[][] EncodeAll(BertTokenizer tokenizer, IReadOnlyList<string> texts, int maxTokens)
    {
        var rows = new long[texts.Count][];
        Parallel.For(0, texts.Count, i =>
        {
            int count = tokenizer.EncodeInto(texts[i], maxTokens, out var scratch);
            rows[i] = scratch.AsSpan(0, count).ToArray();
        });
        return rows;
    }

    /// <summary>Pads already-encoded rows ([CLS] … [SEP]) into [batch, seq] int64 tensors with an attention mask.</summary>
    public static EncodedBatch Pad(IReadOnlyList<long[]> rows, int seq, long padId)
    {
        int batch = rows.Count;
        if (batch == 0) throw new ArgumentException("The batch is empty.", nameof(rows));
        var lengths = new int[batch];
        var ids = new long[batch * seq];
        var mask = new long[batch * seq];
        Array.Fill(ids, padId);
        for (int i = 0; i < batch; i++)
        {
            if (rows[i].Length > seq) throw new ArgumentException($"Row {i} has {rows[i].Length} ids, more than the sequence length {seq}.");
            lengths[i] = rows[i].Length;
            rows[i].CopyTo(ids, i * seq);
            mask.AsSpan(i * seq, lengths[i]).Fill(1);
        }

        long[] shape = [batch, seq];
        Tensor? inputIds = null, attentionMask = null;
        try
        {
            inputIds = tensor(ids, shape, ScalarType.Int64);
            attentionMask = tensor(mask, shape, ScalarType.Int64);
            var tokenTypeIds = zeros(shape, ScalarType.Int64);
            return new EncodedBatch(inputIds, attentionMask, tokenTypeIds, lengths);
        }
        catch
        {
            inputIds?.Dispose();
            attentionMask?.Dispose();
            throw;
        }
    }
}
