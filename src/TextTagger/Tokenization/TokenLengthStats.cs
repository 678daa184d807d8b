using TextTagger.Data;

namespace TextTagger.Tokenization;

/// <summary>
/// How long texts are in tokens ([CLS] and [SEP] included, before truncation), to choose the maximum length.
/// </summary>
public static class TokenLengthStats
{
    /// <summary>Counts the tokens of every text, on all cores.</summary>
    public static LengthDistribution Compute(BertTokenizer tokenizer, IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        var lengths = new int[texts.Count];
        Parallel.For(0, texts.Count, i => lengths[i] = tokenizer.CountTokens(texts[i]));
        return LengthDistribution.FromLengths(lengths);
    }
}
