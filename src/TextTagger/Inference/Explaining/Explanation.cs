namespace TextTagger.Inference.Explaining;

/// <summary>One word of an explained text with a signed score per label: how much the label's probability drops when
/// the word is left out (positive: the word raised it).</summary>
/// <param name="Alone">Scored left out on its own; false: left out with its neighbours in a long text, sharing their
/// score evenly (it moved the labels too little to be looked at closer, see <see cref="OcclusionExplainer"/>).</param>
public sealed record WordAttribution(string Text, int Start, int Length, IReadOnlyList<double> Scores, bool Alone = true);

/// <summary>
/// Why the model tagged a text: its prediction, and every word it saw with a score per label.
/// </summary>
/// <param name="Truncated">The text is longer than the model's token limit: only the words it sees are scored (the
/// rest changed nothing, as the model never read them).</param>
public sealed record Explanation(string Text, IReadOnlyList<string> Labels, Prediction Prediction, IReadOnlyList<WordAttribution> Words,
                                 bool Truncated)
{
    /// <summary>The <paramref name="count"/> words that raised <paramref name="label"/>'s probability most, highest first.</summary>
    public IReadOnlyList<WordAttribution> TopWords(string label, int count = 5)
    {
        int l = LabelIndex(label);
        return Words.Where(w => w.Scores[l] > 0).OrderByDescending(w => w.Scores[l]).Take(count).ToArray();
    }

    public int LabelIndex(string label) => LabelIndex(Labels, label);

    /// <summary>Where <paramref name="label"/> stands in <paramref name="labels"/>; a clear error if it is not there.</summary>
    public static int LabelIndex(IReadOnlyList<string> labels, string label) => ModelFiles.LabelLookup.IndexOf(labels, label);
}
