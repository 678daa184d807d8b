using TextTagger.Modeling;
using TextTagger.Tokenization;
using static TorchSharp.torch;

namespace TextTagger.Inference;

/// <summary>
/// Runs a classifier over many pre-encoded texts without gradients: rows are sorted by length and cut into batches
/// padded only to their longest row (or to a fixed length), one dispose scope per batch, so memory stays bounded.
/// Training's validation, `evaluate` and prediction all score through here.
/// </summary>
public static class LogitsRunner
{
    /// <summary>Logits [rows, labels] in the order of <paramref name="ids"/>.</summary>
    /// <param name="fixedLength">Pad every batch to this length instead of its longest row.</param>
    /// <param name="rowsDone">Called after each batch with the number of rows scored so far.</param>
    /// <param name="computeType">Run the encoder's matrix products in this type (<see cref="Autocast"/>); null: float32.</param>
    public static float[,] Run(BertForMultiLabelClassification model, IReadOnlyList<long[]> ids, long padId, int batchSize,
                               int? fixedLength = null, Action<int>? rowsDone = null, ScalarType? computeType = null)
    {
        var logits = new float[ids.Count, model.LabelCount];
        if (ids.Count == 0) return logits;
        int[] order = Enumerable.Range(0, ids.Count).OrderBy(i => ids[i].Length).ToArray();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var autocast = Autocast.Enable(computeType);
            for (int start = 0; start < order.Length; start += batchSize)
            {
                int count = Math.Min(batchSize, order.Length - start);
                var batchRows = new long[count][];
                for (int i = 0; i < count; i++) batchRows[i] = ids[order[start + i]];
                int seq = fixedLength ?? batchRows.Max(r => r.Length);

                using var scope = NewDisposeScope();
                using var batch = EncodedBatch.FromIds(batchRows, seq, padId);
                var output = model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
                float[] values = output.data<float>().ToArray();
                for (int i = 0; i < count; i++)
                    for (int l = 0; l < model.LabelCount; l++)
                        logits[order[start + i], l] = values[i * model.LabelCount + l];
                rowsDone?.Invoke(start + count);
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return logits;
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
