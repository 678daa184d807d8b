using System.Globalization;
using System.Text;

namespace TextTagger.Tokenization;

/// <summary>
/// Brings a text into the form in which FastBertTokenizer tokenizes it exactly as Hugging Face's BERT pipeline does
/// (BertNormalizer → BertPreTokenizer → WordPiece with max_input_chars_per_word 100). FastBertTokenizer differs on:
/// control characters it treats as whitespace (\v, \f), accents it strips only when a lookup fails, CJK and
/// punctuation outside the BMP, words over 100 characters (Hugging Face: one [UNK]) and literal special tokens
/// such as "[SEP]" in the text (Hugging Face, without added tokens: "[", "sep", "]"). Plain ASCII text without
/// those cases takes the fast path and is passed through unchanged.
/// </summary>
internal static class BertTextNormalizer
{
    public const int MaxCharsPerWord = 100;
    static readonly string[] SpecialTokenTails = ["UNK]", "CLS]", "SEP]", "PAD]", "MASK]"];

    /// <summary>True when FastBertTokenizer alone gives Hugging Face's ids for this text.</summary>
    public static bool IsFastPathSafe(string text)
    {
        int run = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c >= 0x7F) return false;
            if (c < 0x20)
            {
                if (c != '\t' && c != '\n' && c != '\r') return false;
                run = 0;
            }
            else if (c == ' ') run = 0;
            else if (char.IsAsciiLetterOrDigit(c)) { if (++run > MaxCharsPerWord) return false; }
            else
            {
                run = 0; // ASCII punctuation is a word of its own
                if (c == '[' && StartsSpecialTokenTail(text.AsSpan(i + 1))) return false;
            }
        }
        return true;
    }

    static bool StartsSpecialTokenTail(ReadOnlySpan<char> rest)
    {
        foreach (var tail in SpecialTokenTails)
            if (rest.StartsWith(tail, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Hugging Face's BertNormalizer, then the word rules of BertPreTokenizer and WordPiece.</summary>
    public static string Normalize(string text, bool uncased)
    {
        var cleaned = new StringBuilder(text.Length + 16);
        foreach (var rune in EnumerateRunesLossy(text))
        {
            if (rune.Value == 0 || rune.Value == 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune)) cleaned.Append(' ');
            else if (IsChinese(rune.Value)) cleaned.Append(' ').Append(rune.ToString()).Append(' ');
            else cleaned.Append(rune.ToString());
        }
        string normalized = cleaned.ToString();
        if (uncased) normalized = StripAccentsAndLowercase(normalized);
        return RewriteWords(normalized);
    }

    static string StripAccentsAndLowercase(string text)
    {
        string decomposed = text.Normalize(NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark) continue;
            result.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return result.ToString();
    }

    /// <summary>
    /// Splits like BertPreTokenizer (whitespace, punctuation) and writes each piece so FastBertTokenizer splits the
    /// same way: words over 100 characters or with an unassigned code point become [UNK], "[" is followed by a space (so "[SEP]" stays text), and
    /// punctuation outside the BMP (which FastBertTokenizer, working on UTF-16 chars, misses) is set apart.
    /// </summary>
    static string RewriteWords(string text)
    {
        var result = new StringBuilder(text.Length + 16);
        int wordStart = -1, wordRunes = 0;
        bool wordHasUnassigned = false;
        void FlushWord(int end)
        {
            if (wordStart < 0) return;
            // FastBertTokenizer would drop an unassigned code point; Hugging Face keeps it, and no vocab has it.
            if (wordRunes > MaxCharsPerWord || wordHasUnassigned) result.Append(" [UNK] ");
            else result.Append(text, wordStart, end - wordStart);
            wordStart = -1;
            wordRunes = 0;
            wordHasUnassigned = false;
        }
        int i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out int width);
            if (Rune.IsWhiteSpace(rune)) { FlushWord(i); result.Append(' '); }
            else if (IsPunctuation(rune))
            {
                FlushWord(i);
                result.Append(' ').Append(text, i, width).Append(' ');
            }
            else
            {
                if (wordStart < 0) wordStart = i;
                wordRunes++;
                wordHasUnassigned |= Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherNotAssigned;
            }
            i += width;
        }
        FlushWord(text.Length);
        return result.ToString();
    }

    static IEnumerable<Rune> EnumerateRunesLossy(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            var status = Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out int width);
            yield return status == System.Buffers.OperationStatus.Done ? rune : Rune.ReplacementChar;
            i += Math.Max(width, 1);
        }
    }

    /// <summary>
    /// Hugging Face's is_control as it behaves: categories Cc, Cf, Cs, Co, except \t \n \r. Unassigned code points
    /// (Cn) are kept by Hugging Face (and then make their word [UNK]), though its comment says otherwise.
    /// </summary>
    static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r') return false;
        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse;
    }

    static bool IsWhitespace(Rune rune) => rune.Value is '\t' or '\n' or '\r' || Rune.IsWhiteSpace(rune);

    /// <summary>ASCII punctuation or any Unicode P* category, as Hugging Face's is_bert_punc.</summary>
    static bool IsPunctuation(Rune rune) =>
        (rune.Value is > 0x20 and < 0x7F && !char.IsAsciiLetterOrDigit((char)rune.Value))
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>The CJK ranges of Hugging Face's handle_chinese_chars.</summary>
    static bool IsChinese(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
            or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF
            or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
