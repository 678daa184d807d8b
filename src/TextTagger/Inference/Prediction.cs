namespace TextTagger.Inference;

/// <summary>What the model says about one text: a probability per label (in label order) and the labels whose
/// probability reaches that label's threshold.</summary>
/// <param name="Truncated">The text was longer than the model's token limit and only its start was read
/// (<see cref="LongTextMode.Truncate"/>).</param>
public sealed record Prediction(IReadOnlyList<string> Labels, IReadOnlyList<double> Probabilities, IReadOnlyList<string> Tags,
                                bool Truncated = false)
{
    public double this[string label]
    {
        get
        {
            int index = ModelFiles.LabelLookup.TryIndexOf(Labels, label);
            return index >= 0 ? Probabilities[index] : throw new KeyNotFoundException(ModelFiles.LabelLookup.Describe(label, Labels));
        }
    }
}
