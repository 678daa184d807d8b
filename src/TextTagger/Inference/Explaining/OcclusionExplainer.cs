using TextTagger.Tokenization;

namespace TextTagger.Inference.Explaining;

/// <summary>
/// Explains by occlusion: a word's score per label is the probability it takes away when left out. Every variant is
/// scored by the tagger's own engine (sorted by length and batched like any input, ONNX included), so the scores are
/// faithful by construction to what the model does with the text.
/// <para>
/// Leaving out each word costs one forward pass per word: 2.5 s for a 100-word comment on 2 cores. Past
/// <see cref="DefaultMaxPasses"/> words the explainer goes coarse to fine within that budget: it first leaves out
/// runs of neighbouring words (half the passes), then each word of the runs that moved the focus labels most (the
/// rest); a word of a run not looked at closer shares the run's score evenly. The words that matter are scored alone,
/// which is what a highlight and the faithfulness benchmark read.
/// </para>
/// </summary>
public static class OcclusionExplainer
{
    /// <summary>Forward passes per explanation, the text itself included: under 1 s for a 100-word comment on 2 cores
    /// with the int8 export (BENCHMARKS.md, explain).</summary>
    public const int DefaultMaxPasses = 40;

    /// <param name="focus">Label indices whose scores decide which runs are looked at word by word (default: all).</param>
    public static Explanation Explain(Tagger tagger, string text, IReadOnlyList<int>? focus = null, int maxPasses = DefaultMaxPasses)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (maxPasses < 3) throw new ArgumentOutOfRangeException(nameof(maxPasses), maxPasses, "an explanation needs at least 3 passes");
        var words = TextWords.Split(text);
        // Only the words the model reads can matter (a transformer truncating at its limit reads a prefix).
        int seen = tagger.Scorer.WordsSeen(text, words);
        focus ??= Enumerable.Range(0, tagger.Labels.Count).ToArray();

        var runs = seen + 1 <= maxPasses ? Runs(seen, seen) : Runs(seen, maxPasses / 2);
        var first = tagger.PredictProbabilities([text, .. runs.Select(r => TextWords.Without(text, words, r))]);
        var scores = new double[seen][];
        var alone = new bool[seen];
        for (int r = 0; r < runs.Length; r++)
            for (int w = runs[r].Start.Value; w < runs[r].End.Value; w++)
            {
                scores[w] = Drop(first, first, r + 1, 1.0 / (runs[r].End.Value - runs[r].Start.Value));
                alone[w] = runs[r].End.Value - runs[r].Start.Value == 1;
            }

        // Fine: the runs that moved a focus label most, word by word, as long as the budget lasts.
        int budget = maxPasses - 1 - runs.Length;
        var closer = new List<int>();
        foreach (int r in Enumerable.Range(0, runs.Length).Where(r => !alone[runs[r].Start.Value])
                     .OrderByDescending(r => focus.Max(l => Math.Abs(first[0, l] - first[r + 1, l]))))
        {
            int size = runs[r].End.Value - runs[r].Start.Value;
            if (size > budget) break;
            budget -= size;
            for (int w = runs[r].Start.Value; w < runs[r].End.Value; w++) closer.Add(w);
        }
        if (closer.Count > 0)
        {
            var fine = tagger.PredictProbabilities(closer.Select(w => TextWords.Without(text, words, w..(w + 1))).ToArray());
            for (int i = 0; i < closer.Count; i++)
            {
                scores[closer[i]] = Drop(first, fine, i, 1);
                alone[closer[i]] = true;
            }
        }

        var attributions = Enumerable.Range(0, seen)
            .Select(w => new WordAttribution(words[w].Text, words[w].Start, words[w].Length, scores[w], alone[w])).ToArray();
        return new Explanation(text, tagger.Labels, tagger.ToPrediction(first, 0), attributions, seen < words.Count);
    }

    /// <summary>The text's probabilities (row 0 of <paramref name="whole"/>) minus a variant's, per label, times
    /// <paramref name="share"/>.</summary>
    static double[] Drop(double[,] whole, double[,] variants, int row, double share)
    {
        var drop = new double[whole.GetLength(1)];
        for (int l = 0; l < drop.Length; l++) drop[l] = (whole[0, l] - variants[row, l]) * share;
        return drop;
    }

    /// <summary><paramref name="words"/> words cut into <paramref name="count"/> runs of neighbours whose sizes differ
    /// by at most one.</summary>
    static Range[] Runs(int words, int count)
    {
        count = Math.Min(count, words);
        return Enumerable.Range(0, count).Select(i => (words * i / count)..(words * (i + 1) / count)).ToArray();
    }
}
