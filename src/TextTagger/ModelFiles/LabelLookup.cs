namespace TextTagger.ModelFiles;

/// <summary>Finds a label among a model's labels: the one lookup, and the one error when it is not there, for
/// predictions, explanations, the explain endpoint and ensemble members.</summary>
public static class LabelLookup
{
    /// <summary>Where <paramref name="label"/> stands in <paramref name="labels"/>; -1 when it is not there.</summary>
    public static int TryIndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int l = 0; l < labels.Count; l++)
            if (labels[l] == label) return l;
        return -1;
    }

    /// <summary>Where <paramref name="label"/> stands in <paramref name="labels"/>; <see cref="UnknownLabelException"/>
    /// naming <paramref name="owner"/>'s labels if it is not there.</summary>
    public static int IndexOf(IReadOnlyList<string> labels, string label, string owner = "the model") =>
        TryIndexOf(labels, label) is var index and >= 0 ? index : throw new UnknownLabelException(label, labels, owner);

    /// <summary>What is said when <paramref name="label"/> is not among <paramref name="labels"/>.</summary>
    public static string Describe(string label, IReadOnlyList<string> labels, string owner = "the model") =>
        $"'{label}' is not one of {owner}'s labels ({string.Join(", ", labels)})";
}

/// <summary>A label a model does not have.</summary>
public sealed class UnknownLabelException(string label, IReadOnlyList<string> labels, string owner)
    : TextTaggerException(LabelLookup.Describe(label, labels, owner))
{
    public string Label { get; } = label;
}
