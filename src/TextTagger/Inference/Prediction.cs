namespace TextTagger.Inference;

/// <summary>What the model says about one text: a probability per label (in label order) and the labels whose
/// probability reaches that label's threshold.</summary>
public sealed record Prediction(IReadOnlyList<string> Labels, IReadOnlyList<double> Probabilities, IReadOnlyList<string> Tags)
{
    public double this[string label]
    {
        get
        {
            for (int i = 0; i < Labels.Count; i++)
                if (Labels[i] == label) return Probabilities[i];
            throw new KeyNotFoundException($"No label '{label}' (labels: {string.Join(", ", Labels)}).");
        }
    }
}
