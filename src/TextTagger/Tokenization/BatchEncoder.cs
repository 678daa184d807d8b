namespace TextTagger.Tokenization;

/// <summary>Encodes many texts on all cores (each thread encodes into its own scratch buffer).</summary>
internal static class BatchEncoder
{
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
}
