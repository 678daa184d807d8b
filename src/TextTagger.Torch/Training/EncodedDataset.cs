using TextTagger.Data;
using TextTagger.Modeling;
using TextTagger.Tokenization;
using static TorchSharp.torch;

namespace TextTagger.Training;

/// <summary>A dataset tokenized once: [CLS] … [SEP] ids per row (truncated) and 0/1 labels, ready to batch.</summary>
public sealed class EncodedDataset
{
    public EncodedDataset(LabeledDataset data, BertTokenizer tokenizer, int maxTokens)
    {
        Ids = tokenizer.EncodeAll(data.Rows.Select(r => r.Text).ToArray(), maxTokens);
        Labels = data.Rows.Select(r => r.Labels).ToArray();
        LabelCount = data.LabelNames.Count;
        PadId = tokenizer.PadId;
        MaxTokens = maxTokens;
    }

    public IReadOnlyList<long[]> Ids { get; }
    public IReadOnlyList<byte[]> Labels { get; }
    /// <summary>Per-row targets in [0, 1] the loss trains on instead of <see cref="Labels"/> (distillation's soft labels);
    /// null: the labels. Metrics keep using <see cref="Labels"/>.</summary>
    public IReadOnlyList<float[]>? SoftTargets
    {
        get => _softTargets;
        set
        {
            if (value != null && (value.Count != Count || value.Any(t => t.Length != LabelCount)))
                throw new ArgumentException($"soft targets must be {Count} rows × {LabelCount} labels", nameof(value));
            _softTargets = value;
        }
    }
    IReadOnlyList<float[]>? _softTargets;
    public int LabelCount { get; }
    public long PadId { get; }
    public int MaxTokens { get; }
    public int Count => Ids.Count;
    public IReadOnlyList<int> Lengths => Ids.Select(ids => ids.Length).ToArray();

    /// <summary>Per-label negatives / positives of these rows, kept between 1 and <paramref name="cap"/> (positives are
    /// only ever up-weighted; a label without positives gets the cap; cap 1 is plain BCE).</summary>
    public float[] PositiveWeights(double cap)
    {
        var weights = new float[LabelCount];
        for (int l = 0; l < LabelCount; l++)
        {
            int positives = Labels.Count(row => row[l] == 1);
            weights[l] = (float)Math.Clamp(positives == 0 ? cap : (double)(Count - positives) / positives, 1.0, cap);
        }
        return weights;
    }

    /// <summary>The rows as model inputs and float targets [rows, labels] (<see cref="SoftTargets"/> when set); padded to the longest row, or to
    /// <see cref="MaxTokens"/> when <paramref name="fixedPadding"/>.</summary>
    public (EncodedBatch Inputs, Tensor Targets) Batch(IReadOnlyList<int> rows, bool fixedPadding)
    {
        var ids = rows.Select(r => Ids[r]).ToArray();
        int seq = fixedPadding ? MaxTokens : ids.Max(r => r.Length);
        var targets = new float[rows.Count * LabelCount];
        for (int i = 0; i < rows.Count; i++)
            for (int l = 0; l < LabelCount; l++)
                targets[i * LabelCount + l] = _softTargets?[rows[i]][l] ?? Labels[rows[i]][l];
        return (EncodedBatch.FromIds(ids, seq, PadId), tensor(targets, [rows.Count, LabelCount]));
    }
}
