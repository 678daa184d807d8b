using static TorchSharp.torch;

namespace TextTagger.Tokenization;

/// <summary>A tokenized batch as BERT takes it: int64 tensors [batch, seq]. Dispose it to free the tensors.</summary>
public sealed class EncodedBatch : IDisposable
{
    internal EncodedBatch(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, int[] lengths)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        Lengths = lengths;
    }

    /// <summary>Pads already-encoded rows (from <see cref="BertTokenizer.EncodeAll"/>) to <paramref name="sequenceLength"/>.</summary>
    public static EncodedBatch FromIds(IReadOnlyList<long[]> rows, int sequenceLength, long padId) =>
        BatchEncoder.Pad(rows, sequenceLength, padId);

    /// <summary>[CLS] pieces [SEP] [PAD]…</summary>
    public Tensor InputIds { get; }
    /// <summary>1 for real tokens, 0 for padding.</summary>
    public Tensor AttentionMask { get; }
    /// <summary>All 0 (single-sequence inputs).</summary>
    public Tensor TokenTypeIds { get; }
    /// <summary>Ids per text before padding ([CLS] and [SEP] included).</summary>
    public IReadOnlyList<int> Lengths { get; }

    public int BatchSize => Lengths.Count;
    public int SequenceLength => (int)InputIds.shape[1];

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
    }
}
