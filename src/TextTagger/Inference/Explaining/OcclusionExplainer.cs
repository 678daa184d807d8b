using TextTagger.Tokenization;

namespace TextTagger.Inference.Explaining;

/// <summary>
/// Explains by occlusion: the text is scored once as it is and once without each word, all in one call (the
/// variants are sorted by length and batched like any input, on whatever engine the tagger runs — ONNX included),
/// and a word's score per label is the probability it takes away when left out. Faithful by construction to what
/// the model does with the text; costs one forward pass per word, batched.
/// </summary>
public static class OcclusionExplainer
{
    public static Explanation Explain(Tagger tagger, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = TextWords.Split(text);
        int seen = WordsSeen(tagger.Tokenizer, text, words, tagger.MaxTokens);
        var variants = new string[seen + 1];
        variants[0] = text;
        for (int i = 0; i < seen; i++) variants[i + 1] = TextWords.Without(text, words, i);

        var probabilities = tagger.PredictProbabilities(variants);
        int labels = tagger.Labels.Count;
        var attributions = new WordAttribution[seen];
        for (int i = 0; i < seen; i++)
        {
            var scores = new double[labels];
            for (int l = 0; l < labels; l++) scores[l] = probabilities[0, l] - probabilities[i + 1, l];
            attributions[i] = new WordAttribution(words[i].Text, words[i].Start, words[i].Length, scores);
        }
        return new Explanation(text, tagger.Labels, tagger.ToPrediction(probabilities, 0), attributions, seen < words.Count);
    }

    /// <summary>How many leading words fit in the model's token limit ([CLS] and [SEP] included): all of them, or the
    /// largest prefix that does (found by bisection on the token count).</summary>
    static int WordsSeen(BertTokenizer tokenizer, string text, IReadOnlyList<WordSpan> words, int maxTokens)
    {
        if (tokenizer.CountTokens(text) <= maxTokens) return words.Count;
        int lo = 0, hi = words.Count;   // words[..lo] fit; words[..hi] may not
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            var end = words[mid - 1];
            if (tokenizer.CountTokens(text[..(end.Start + end.Length)]) <= maxTokens) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}
