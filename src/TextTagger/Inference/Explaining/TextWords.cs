using System.Text.RegularExpressions;

namespace TextTagger.Inference.Explaining;

/// <summary>A word of a text and where it stands: <see cref="Start"/> and <see cref="Length"/> are UTF-16 offsets into
/// the original string, so a page can highlight it as it is.</summary>
public readonly record struct WordSpan(string Text, int Start, int Length);

/// <summary>
/// Splits a text into the units an explanation scores: runs of letters, digits and apostrophes (a word, whatever
/// word pieces the tokenizer makes of it) and runs of other non-space characters ("!!!", ":)"), which can carry
/// tone too.
/// </summary>
public static partial class TextWords
{
    [GeneratedRegex(@"[\p{L}\p{M}\p{N}_'’]+|[^\s\p{L}\p{M}\p{N}_'’]+")]
    private static partial Regex Word();

    public static IReadOnlyList<WordSpan> Split(string text) =>
        Word().Matches(text).Select(m => new WordSpan(m.Value, m.Index, m.Length)).ToArray();

    /// <summary>The text without the words in <paramref name="range"/> (and one space beside them, so no double space
    /// is left to change the tokenization).</summary>
    public static string Without(string text, IReadOnlyList<WordSpan> words, Range range)
    {
        var (first, count) = range.GetOffsetAndLength(words.Count);
        int start = words[first].Start, end = words[first + count - 1].Start + words[first + count - 1].Length;
        if (end < text.Length && char.IsWhiteSpace(text[end])) end++;
        else if (start > 0 && char.IsWhiteSpace(text[start - 1])) start--;
        return string.Concat(text.AsSpan(0, start), text.AsSpan(end));
    }
}
