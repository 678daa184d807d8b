using TextTagger.Tokenization;

namespace TextTagger.Inference;

/// <summary>What to do with a text longer than the model's token limit.</summary>
public enum LongTextMode
{
    /// <summary>Score its first tokens (the limit, [CLS] and [SEP] included) and say it was cut.</summary>
    Truncate,
    /// <summary>Score overlapping windows of the limit over the whole text and keep, per label, the highest
    /// probability: a label is as present as in the window where it is strongest (an insult at the end of a long
    /// comment is still an insult).</summary>
    Window,
}

/// <summary>Texts turned into the rows a model scores: one row each, or in window mode one row per window of a long
/// text; <see cref="Combine"/> folds row logits back into one row per text.</summary>
public sealed class EncodedTexts
{
    EncodedTexts(long[][] rows, int[] owners, bool[] truncated, int texts)
    {
        Rows = rows;
        Owners = owners;
        Truncated = truncated;
        TextCount = texts;
    }

    /// <summary>[CLS] … [SEP] ids of each row.</summary>
    public long[][] Rows { get; }
    /// <summary>The text each row belongs to.</summary>
    public int[] Owners { get; }
    /// <summary>Per text: longer than the limit and only its start was scored (truncate mode).</summary>
    public bool[] Truncated { get; }
    public int TextCount { get; }

    public static EncodedTexts Encode(BertTokenizer tokenizer, IReadOnlyList<string> texts, int maxTokens, LongTextMode mode, int? stride = null)
    {
        if (mode == LongTextMode.Truncate)
        {
            // One id more than the limit tells a text that fits from one that was cut.
            var ids = tokenizer.EncodeAll(texts, maxTokens + 1);
            var cut = new bool[texts.Count];
            for (int i = 0; i < ids.Length; i++)
            {
                if (ids[i].Length <= maxTokens) continue;
                cut[i] = true;
                ids[i] = ids[i][..maxTokens];
                ids[i][^1] = tokenizer.SepId;
            }
            return new EncodedTexts(ids, Enumerable.Range(0, texts.Count).ToArray(), cut, texts.Count);
        }

        int width = maxTokens - 2, step = stride ?? Math.Max(1, width / 2);
        CheckStride(step, maxTokens);
        var full = tokenizer.EncodeAll(texts, int.MaxValue);
        var rows = new List<long[]>(texts.Count);
        var owners = new List<int>(texts.Count);
        for (int t = 0; t < full.Length; t++)
        {
            var pieces = full[t].AsSpan(1, full[t].Length - 2);
            if (pieces.Length <= width)
            {
                rows.Add(full[t]);
                owners.Add(t);
                continue;
            }
            for (int start = 0; ; start += step)
            {
                start = Math.Min(start, pieces.Length - width);   // the last window ends with the text
                var row = new long[width + 2];
                row[0] = tokenizer.ClsId;
                pieces.Slice(start, width).CopyTo(row.AsSpan(1));
                row[^1] = tokenizer.SepId;
                rows.Add(row);
                owners.Add(t);
                if (start + width >= pieces.Length) break;
            }
        }
        return new EncodedTexts(rows.ToArray(), owners.ToArray(), new bool[texts.Count], texts.Count);
    }

    /// <summary>The one check of a window stride: at least 1 token, at most a window (the limit minus [CLS] and [SEP];
    /// null: the limit is not known yet).</summary>
    public static void CheckStride(int stride, int? maxTokens)
    {
        if (stride < 1) throw new InvalidOptionException(nameof(TaggerOptions.WindowStride), $"must be ≥ 1, got {stride}");
        if (maxTokens is int limit && stride > limit - 2)
            throw new InvalidOptionException(nameof(TaggerOptions.WindowStride),
                $"must be in 1..{limit - 2} tokens (the limit minus [CLS] and [SEP]), got {stride}");
    }

    /// <summary>One row of logits per text: its own, or the per-label maximum over its windows.</summary>
    public float[,] Combine(float[,] rowLogits)
    {
        if (Rows.Length == TextCount) return rowLogits;
        int labels = rowLogits.GetLength(1);
        var logits = new float[TextCount, labels];
        for (int t = 0; t < TextCount; t++)
            for (int l = 0; l < labels; l++) logits[t, l] = float.NegativeInfinity;
        for (int r = 0; r < Rows.Length; r++)
            for (int l = 0; l < labels; l++)
                logits[Owners[r], l] = Math.Max(logits[Owners[r], l], rowLogits[r, l]);
        return logits;
    }
}
