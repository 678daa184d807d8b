namespace TextTagger.Training;

/// <summary>
/// Hugging Face's <c>DataCollatorForLanguageModeling</c> masking: each non-special, non-padding token is chosen with
/// <see cref="Probability"/> (15 %); a chosen token becomes [MASK] 80 % of the time, a random vocabulary id 10 %, and
/// stays 10 %; labels hold the original id at chosen positions and -100 elsewhere. Plain C# with its own seeded
/// <see cref="Random"/>, so a batch's masks depend on the seed and the step only.
/// </summary>
public sealed class MlmMasking(IReadOnlyCollection<long> specialIds, long maskId, int vocabSize, double probability = 0.15)
{
    public double Probability { get; } = probability is > 0 and < 1 ? probability
        : throw new InvalidOptionException("MaskProbability", $"must be in (0, 1), got {probability}");

    readonly HashSet<long> _special = [.. specialIds];

    /// <summary>Masks <paramref name="rows"/> padded to <paramref name="sequenceLength"/> with <paramref name="padId"/>.</summary>
    /// <returns>Input ids and labels, row-major [rows, sequenceLength].</returns>
    public (long[] InputIds, long[] Labels) Mask(IReadOnlyList<long[]> rows, int sequenceLength, long padId, int seed)
    {
        var random = new Random(seed);
        var inputs = new long[rows.Count * sequenceLength];
        var labels = new long[inputs.Length];
        Array.Fill(inputs, padId);
        Array.Fill(labels, Modeling.BertForMaskedLM.IgnoreIndex);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            for (int c = 0; c < row.Length && c < sequenceLength; c++)
            {
                int at = r * sequenceLength + c;
                long id = row[c];
                inputs[at] = id;
                if (id == padId || _special.Contains(id) || random.NextDouble() >= Probability) continue;
                labels[at] = id;
                double action = random.NextDouble();
                if (action < 0.8) inputs[at] = maskId;
                else if (action < 0.9) inputs[at] = random.NextInt64(vocabSize);   // like HF: any id of the vocabulary
            }
        }
        return (inputs, labels);
    }
}
