namespace TextTagger.Guardrails;

/// <summary>
/// A streamed answer as it grows: its text, where the stretch not yet scored clean starts, how much of it was handed
/// to the caller, and whether the last update reached a scoring boundary (a sentence's end, or N updates).
/// </summary>
sealed class AnswerStream(GuardrailPolicy policy)
{
    static readonly char[] SentenceEnds = ['.', '!', '?', '\n'];

    readonly System.Text.StringBuilder _text = new();
    int _updatesSinceScored;
    int _stretchStart;   // characters of the answer scored clean
    int _handedOut;      // characters of the answer the caller has received

    public string Text => _text.ToString();
    public int Length => _text.Length;
    /// <summary>Text arrived since the last clean scoring.</summary>
    public bool HasUnscoredText => _text.Length > _stretchStart;
    /// <summary>Characters of the stretch not yet scored clean that the caller already has: what a user may have seen
    /// of a stretch that is then blocked.</summary>
    public int Exposed => Math.Max(0, _handedOut - _stretchStart);

    /// <summary>Adds an update's text; true when the answer should be scored before the update is handed out.</summary>
    public bool Append(string? chunk)
    {
        if (string.IsNullOrEmpty(chunk)) return false;
        _text.Append(chunk);
        _updatesSinceScored++;
        return policy.StreamingBoundary == StreamingBoundary.Tokens
            ? _updatesSinceScored >= policy.StreamingTokens
            : chunk.IndexOfAny(SentenceEnds) >= 0;
    }

    /// <summary>Everything so far scored clean.</summary>
    public void ScoredClean()
    {
        _stretchStart = _text.Length;
        _updatesSinceScored = 0;
    }

    /// <summary>The caller received <paramref name="characters"/> more.</summary>
    public void HandedOut(int characters) => _handedOut += characters;
}
