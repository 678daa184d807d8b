using TextTagger.Tokenization;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>A <see cref="PaddedBatch"/> as BERT's forward takes it: int64 tensors [batch, seq]. Dispose it to free them.</summary>
public sealed class EncodedBatch : IDisposable
{
    EncodedBatch(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, IReadOnlyList<int> lengths)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        Lengths = lengths;
    }

    public static EncodedBatch From(PaddedBatch batch)
    {
        Tensor? inputIds = null, attentionMask = null;
        try
        {
            inputIds = tensor(batch.InputIds, batch.Shape, ScalarType.Int64);
            attentionMask = tensor(batch.AttentionMask, batch.Shape, ScalarType.Int64);
            return new EncodedBatch(inputIds, attentionMask, zeros(batch.Shape, ScalarType.Int64), batch.Lengths);
        }
        catch
        {
            inputIds?.Dispose();
            attentionMask?.Dispose();
            throw;
        }
    }

    /// <summary>Pads already-encoded rows (from <see cref="BertTokenizer.EncodeAll"/>) to <paramref name="sequenceLength"/>.</summary>
    public static EncodedBatch FromIds(IReadOnlyList<long[]> rows, int sequenceLength, long padId) =>
        From(PaddedBatch.FromIds(rows, sequenceLength, padId));

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
