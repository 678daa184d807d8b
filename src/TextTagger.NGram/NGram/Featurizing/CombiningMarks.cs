namespace TextTagger.NGram.Featurizing;

/// <summary>Whether a code point has a non-zero canonical combining class (Python's <c>unicodedata.combining</c>):
/// the marks scikit-learn's <c>strip_accents="unicode"</c> drops after NFKD.</summary>
static partial class CombiningMarks
{
    public static bool Contains(int codePoint)
    {
        if (codePoint < Ranges[0]) return false;
        int lo = 0, hi = Ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (codePoint < Ranges[2 * mid]) hi = mid - 1;
            else if (codePoint > Ranges[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }
}
