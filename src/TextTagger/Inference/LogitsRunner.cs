using TextTagger.Inference.Engines;
using TextTagger.Tokenization;

namespace TextTagger.Inference;

/// <summary>
/// Scores many pre-encoded texts through an engine: rows are sorted by length and cut into batches padded only to
/// their longest row (or to a fixed length), so padding is small and memory stays bounded. Training's validation,
/// `evaluate`, prediction and serving all score through here, whatever the engine.
/// </summary>
public static class LogitsRunner
{
    /// <summary>A batch is also cut before a row that would make its padded tokens exceed its real tokens by more than
    /// this share. Sorted neighbours in a large input are of similar length, so this rarely cuts there; a served
    /// micro-batch of a few texts of any length would otherwise be padded to its longest one.</summary>
    public const double MaxPaddingShare = 0.25;

    /// <summary>…unless the padding is this few tokens anyway (short texts: a forward call costs more than that).</summary>
    public const int PaddingAllowance = 256;

    /// <summary>Logits [rows, labels] in the order of <paramref name="ids"/>.</summary>
    /// <param name="fixedLength">Pad every batch to this length instead of its longest row.</param>
    /// <param name="rowsDone">Called after each batch with the number of rows scored so far.</param>
    /// <param name="maxBatchTokens">Also cut a batch before its padded tokens (rows × longest row) would pass this:
    /// a budget of work per forward call rather than of rows.</param>
    /// <param name="batchScored">Called after each batch with what it held.</param>
    public static float[,] Run(IInferenceEngine engine, IReadOnlyList<long[]> ids, long padId, int batchSize,
                               int? fixedLength = null, Action<int>? rowsDone = null, int? maxBatchTokens = null,
                               Action<ScoredBatch>? batchScored = null)
    {
        if (batchSize < 1) throw new TextTaggerException($"batch size must be ≥ 1, got {batchSize}");
        if (maxBatchTokens < 1) throw new TextTaggerException($"max batch tokens must be ≥ 1, got {maxBatchTokens}");
        int labels = engine.LabelCount;
        var logits = new float[ids.Count, labels];
        int[] order = Enumerable.Range(0, ids.Count).OrderBy(i => ids[i].Length).ToArray();
        for (int start = 0; start < order.Length;)
        {
            int count = fixedLength != null ? Math.Min(batchSize, order.Length - start)
                : BatchEnd(ids, order, start, batchSize, maxBatchTokens ?? int.MaxValue) - start;
            var rows = new long[count][];
            for (int i = 0; i < count; i++) rows[i] = ids[order[start + i]];
            var batch = PaddedBatch.FromIds(rows, fixedLength ?? rows.Max(r => r.Length), padId);
            float[] values = engine.Forward(batch);
            for (int i = 0; i < count; i++)
                for (int l = 0; l < labels; l++)
                    logits[order[start + i], l] = values[i * labels + l];
            start += count;
            rowsDone?.Invoke(start);
            if (batchScored != null) batchScored(new ScoredBatch(count, rows.Sum(r => r.Length), count * batch.SequenceLength));   // no summing when nobody listens
        }
        return logits;
    }

    /// <summary>Where the batch that starts at <paramref name="start"/> ends (exclusive): at most
    /// <paramref name="batchSize"/> rows, and no more padding than <see cref="MaxPaddingShare"/> of its tokens (or
    /// <see cref="PaddingAllowance"/> tokens), and at most <paramref name="maxTokens"/> padded tokens (one row always).</summary>
    static int BatchEnd(IReadOnlyList<long[]> ids, int[] order, int start, int batchSize, long maxTokens)
    {
        long realTokens = ids[order[start]].Length;
        int end = start + 1;
        while (end < order.Length && end - start < batchSize)
        {
            long next = ids[order[end]].Length;   // the longest so far: rows are sorted by length
            long padding = (end - start + 1) * next - (realTokens + next);
            if (padding > Math.Max(MaxPaddingShare * (realTokens + next), PaddingAllowance)) break;
            if ((end - start + 1) * next > maxTokens) break;
            realTokens += next;
            end++;
        }
        return end;
    }

    /// <summary>Per-label probabilities (sigmoid) of logits, as doubles for the metrics.</summary>
    public static double[,] Probabilities(float[,] logits)
    {
        var p = new double[logits.GetLength(0), logits.GetLength(1)];
        for (int i = 0; i < p.GetLength(0); i++)
            for (int l = 0; l < p.GetLength(1); l++)
                p[i, l] = 1.0 / (1.0 + Math.Exp(-logits[i, l]));
        return p;
    }

    /// <summary>Mean binary cross-entropy with logits over all rows × labels (what training minimises).</summary>
    public static double MeanLoss(float[,] logits, IReadOnlyList<byte[]> labels)
    {
        double sum = 0;
        int rows = logits.GetLength(0), width = logits.GetLength(1);
        for (int i = 0; i < rows; i++)
            for (int l = 0; l < width; l++)
            {
                double x = logits[i, l];
                sum += Math.Max(x, 0) - x * labels[i][l] + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            }
        return rows == 0 ? 0 : sum / ((double)rows * width);
    }
}

/// <summary>One forward call of <see cref="LogitsRunner"/>: its rows, their real tokens, and the tokens it ran once
/// padded (rows × the padded length).</summary>
public readonly record struct ScoredBatch(int Texts, int Tokens, int PaddedTokens);
