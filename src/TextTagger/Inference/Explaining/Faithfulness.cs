namespace TextTagger.Inference.Explaining;

/// <summary>ERASER's comprehensiveness and sufficiency of one explanation for one label (DeYoung et al., 2020): the
/// label's probability with the top share of words by score deleted, or kept alone, against as many words chosen at
/// random.</summary>
public sealed record FaithfulnessProbe(double Probability, double WithoutTop, double WithoutRandom, double OnlyTop, double OnlyRandom)
{
    /// <summary>Comprehensiveness: how much probability deleting the top words takes away.</summary>
    public double TopDrop => Probability - WithoutTop;

    /// <summary>The same for random words: the baseline a faithful explanation must clearly beat.</summary>
    public double RandomDrop => Probability - WithoutRandom;

    /// <summary>Scores <paramref name="explanation"/> for <paramref name="label"/>: four more passes of the tagger over
    /// the text's words, joined by single spaces.</summary>
    public static FaithfulnessProbe Measure(Tagger tagger, Explanation explanation, string label, double share, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(share);
        int l = explanation.LabelIndex(label), n = explanation.Words.Count;
        int k = Math.Max(1, (int)Math.Round(share * n));
        var top = Enumerable.Range(0, n).OrderByDescending(i => explanation.Words[i].Scores[l]).Take(k).ToHashSet();
        var chance = Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(k).ToHashSet();
        string Keep(Func<int, bool> keep) => string.Join(' ', Enumerable.Range(0, n).Where(keep).Select(i => explanation.Words[i].Text));
        var p = tagger.PredictProbabilities([Keep(i => !top.Contains(i)), Keep(i => !chance.Contains(i)), Keep(top.Contains), Keep(chance.Contains)]);
        return new FaithfulnessProbe(explanation.Prediction.Probabilities[l], p[0, l], p[1, l], p[2, l], p[3, l]);
    }
}
