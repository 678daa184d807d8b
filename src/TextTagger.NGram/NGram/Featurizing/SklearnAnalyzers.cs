using System.Globalization;
using System.Text;

namespace TextTagger.NGram.Featurizing;

/// <summary>
/// scikit-learn's TfidfVectorizer analyzers as the peer (bench/python/tfidf_baseline.py) configures them, code point
/// for code point: the text is lower-cased, then accents are stripped (NFKD, combining marks dropped), then either
/// words (<c>(?u)\b\w\w+\b</c>) joined into 1..n-grams, or <c>char_wb</c> n-grams: each whitespace-separated word
/// padded with one space either side, its n-grams of every length in range (a word shorter than n counted once).
/// Python strings index code points, so n-grams here count runes, not UTF-16 chars.
/// </summary>
public static class SklearnAnalyzers
{
    /// <summary>sklearn's preprocessing: <c>str.lower()</c>, then <c>strip_accents_unicode</c> (only for non-ASCII text).
    /// Python's full lower-casing differs from .NET's in two places, both copied: 'İ' becomes "i̇", and a word-final
    /// 'Σ' becomes 'ς'.</summary>
    public static string Preprocess(string text)
    {
        string lower = text.ToLowerInvariant();
        if (text.Contains('Σ')) lower = FinalSigmas(text, lower);
        if (lower.Contains('\u0130')) lower = lower.Replace("\u0130", "i\u0307");
        if (Ascii.IsValid(lower)) return lower;
        string normalized = lower.Normalize(NormalizationForm.FormKD);
        var kept = new StringBuilder(normalized.Length);
        foreach (var rune in normalized.EnumerateRunes())
            if (!CombiningMarks.Contains(rune.Value)) kept.Append(rune.ToString());
        return kept.ToString();
    }

    /// <summary>Unicode's Final_Sigma condition, as Python applies it: 'Σ' after a cased letter and not before one
    /// (case-ignorable characters skipped both ways) lower-cases to 'ς'. <paramref name="lower"/> is
    /// <paramref name="text"/> simply lower-cased, so their indices agree.</summary>
    static string FinalSigmas(string text, string lower)
    {
        var chars = lower.ToCharArray();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != 'Σ') continue;
            int before = i - 1, after = i + 1;
            while (before >= 0 && IsCaseIgnorable(text[before])) before--;
            while (after < text.Length && IsCaseIgnorable(text[after])) after++;
            if (before >= 0 && IsCased(text[before]) && !(after < text.Length && IsCased(text[after]))) chars[i] = 'ς';
        }
        return new string(chars);
    }

    static bool IsCased(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    static bool IsCaseIgnorable(char c) => c is '\'' or '.' or ':' or '^' or '`' or '\u00B7' or '\u2018' or '\u2019' or '\u2024' or '\u2027'
        || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;

    /// <summary>Receives one n-gram; the span is only valid during the call (it points into a reused buffer).</summary>
    public delegate void GramSink(ReadOnlySpan<char> gram);

    /// <summary>Word n-grams of lengths <paramref name="minN"/>..<paramref name="maxN"/> (tokens joined by one space),
    /// in sklearn's order: all unigrams, then all bigrams, …</summary>
    public static void WordNGrams(string preprocessed, int minN, int maxN, GramSink gram)
    {
        var tokens = WordTokens(preprocessed);
        char[] buffer = [];
        for (int n = minN; n <= Math.Min(maxN, tokens.Count); n++)
            for (int i = 0; i + n <= tokens.Count; i++)
            {
                if (n == 1)
                {
                    gram(preprocessed.AsSpan(tokens[i].Start, tokens[i].Length));
                    continue;
                }
                int length = n - 1;
                for (int k = i; k < i + n; k++) length += tokens[k].Length;
                if (buffer.Length < length) buffer = new char[Math.Max(length, 2 * buffer.Length)];
                int at = 0;
                for (int k = i; k < i + n; k++)
                {
                    if (k > i) buffer[at++] = ' ';
                    preprocessed.AsSpan(tokens[k].Start, tokens[k].Length).CopyTo(buffer.AsSpan(at));
                    at += tokens[k].Length;
                }
                gram(buffer.AsSpan(0, length));
            }
    }

    /// <summary>Maximal runs of at least two word code points: what <c>(?u)\b\w\w+\b</c> finds (UTF-16 ranges).</summary>
    public static List<(int Start, int Length)> WordTokens(string text)
    {
        var tokens = new List<(int Start, int Length)>();
        int start = -1, runes = 0;
        for (int i = 0; i <= text.Length;)
        {
            bool word = false;
            int width = 1;
            if (i < text.Length && Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out width) == System.Buffers.OperationStatus.Done)
                word = IsWordCharacter(rune);
            if (word)
            {
                if (start < 0) (start, runes) = (i, 0);
                runes++;
            }
            else if (start >= 0)
            {
                if (runes >= 2) tokens.Add((start, i - start));
                start = -1;
            }
            i += Math.Max(width, 1);
        }
        return tokens;
    }

    /// <summary>sklearn's <c>_char_wb_ngrams</c> for n-gram lengths <paramref name="minN"/>..<paramref name="maxN"/>.</summary>
    public static void CharWbNGrams(string preprocessed, int minN, int maxN, GramSink gram)
    {
        char[] w = new char[64];
        var starts = new List<int>();   // UTF-16 offset of each code point in the padded word, and one past the end
        foreach (var (start, length) in Words(preprocessed))
        {
            int padded = length + 2;
            if (w.Length < padded) w = new char[Math.Max(padded, 2 * w.Length)];
            w[0] = ' ';
            preprocessed.AsSpan(start, length).CopyTo(w.AsSpan(1));
            w[padded - 1] = ' ';
            starts.Clear();
            for (int i = 0; i < padded; i += char.IsHighSurrogate(w[i]) && i + 1 < padded && char.IsLowSurrogate(w[i + 1]) ? 2 : 1) starts.Add(i);
            int runes = starts.Count;
            starts.Add(padded);
            for (int n = minN; n <= maxN; n++)
            {
                int offset = 0;
                gram(Slice(w, starts, offset, n));
                while (offset + n < runes)
                {
                    offset++;
                    gram(Slice(w, starts, offset, n));
                }
                if (offset == 0) break;   // a word shorter than n is counted once
            }
        }
    }

    // Python slices past the end stop at the end.
    static ReadOnlySpan<char> Slice(char[] w, List<int> starts, int offset, int n)
    {
        int from = starts[offset], to = starts[Math.Min(offset + n, starts.Count - 1)];
        return w.AsSpan(from, to - from);
    }

    /// <summary>Python's <c>str.split()</c>: runs of whitespace separate, none are kept (UTF-16 ranges).</summary>
    static List<(int Start, int Length)> Words(string text)
    {
        var words = new List<(int Start, int Length)>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool space = i == text.Length || IsPythonSpace(text[i]);
            if (!space && start < 0) start = i;
            else if (space && start >= 0)
            {
                words.Add((start, i - start));
                start = -1;
            }
        }
        return words;
    }

    /// <summary>Python's <c>str.isspace()</c>: .NET's white space plus the information separators U+001C..U+001F.</summary>
    static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>Python's <c>\w</c> in a str pattern: alphanumeric (letters and every kind of number) or '_'.</summary>
    static bool IsWordCharacter(Rune rune) => rune.Value == '_' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => false,
    };
}
