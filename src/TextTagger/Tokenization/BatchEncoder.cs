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

        int batch = texts.Count;
        var rows = new long[batch][];
        var lengths = new int[batch];
        Parallel.For(0, batch, i =>
        {
            int count = tokenizer.EncodeInto(texts[i], maxTokens, out var scratch);
            rows[i] = scratch.AsSpan(0, count).ToArray();
            lengths[i] = count;
        });

        int seq = padding == BatchPadding.MaxTokens ? maxTokens : lengths.Max();
        var ids = new long[batch * seq];
        var mask = new long[batch * seq];
        Array.Fill(ids, tokenizer.PadId);
        for (int i = 0; i < batch; i++)
        {
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
