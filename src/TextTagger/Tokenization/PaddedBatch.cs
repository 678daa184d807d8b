namespace TextTagger.Tokenization;

/// <summary>
/// Encoded texts padded to one length, as flat row-major arrays [batch, seq]: what every engine takes (TorchSharp
/// wraps them in tensors, ONNX Runtime in OrtValues). Token type ids are all 0 (single-sequence inputs).
/// </summary>
public sealed class PaddedBatch
{
    PaddedBatch(long[] inputIds, long[] attentionMask, int[] lengths, int sequenceLength)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Lengths = lengths;
        SequenceLength = sequenceLength;
    }

    /// <summary>[CLS] pieces [SEP] [PAD]… per row.</summary>
    public long[] InputIds { get; }
    /// <summary>1 for real tokens, 0 for padding.</summary>
    public long[] AttentionMask { get; }
    /// <summary>Ids per text before padding ([CLS] and [SEP] included).</summary>
    public IReadOnlyList<int> Lengths { get; }
    public int BatchSize => Lengths.Count;
    public int SequenceLength { get; }
    public long[] Shape => [BatchSize, SequenceLength];

    /// <summary>Pads already-encoded rows (from <see cref="BertTokenizer.EncodeAll"/>) to <paramref name="sequenceLength"/>.</summary>
    public static PaddedBatch FromIds(IReadOnlyList<long[]> rows, int sequenceLength, long padId)
    {
        int batch = rows.Count;
        if (batch == 0) throw new ArgumentException("The batch is empty.", nameof(rows));
        var lengths = new int[batch];
        var ids = new long[batch * sequenceLength];
        var mask = new long[batch * sequenceLength];
        Array.Fill(ids, padId);
        for (int i = 0; i < batch; i++)
        {
            if (rows[i].Length > sequenceLength)
                throw new ArgumentException($"Row {i} has {rows[i].Length} ids, more than the sequence length {sequenceLength}.");
            lengths[i] = rows[i].Length;
            rows[i].CopyTo(ids, i * sequenceLength);
            mask.AsSpan(i * sequenceLength, lengths[i]).Fill(1);
        }
        return new PaddedBatch(ids, mask, lengths, sequenceLength);
    }

    /// <summary>Encodes texts (truncated to <paramref name="maxTokens"/>) and pads them to the longest, or to
    /// <paramref name="maxTokens"/> with <see cref="BatchPadding.MaxTokens"/>.</summary>
    public static PaddedBatch Encode(BertTokenizer tokenizer, IReadOnlyList<string> texts, int maxTokens, BatchPadding padding = BatchPadding.Longest)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) throw new ArgumentException("The batch is empty.", nameof(texts));
        if (maxTokens < 2) throw new ArgumentOutOfRangeException(nameof(maxTokens), "At least 2 ([CLS] and [SEP]).");
        var rows = tokenizer.EncodeAll(texts, maxTokens);
        int seq = padding == BatchPadding.MaxTokens ? maxTokens : rows.Max(r => r.Length);
        return FromIds(rows, seq, tokenizer.PadId);
    }
}
