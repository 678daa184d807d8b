namespace TextTagger;

/// <summary>
/// A problem the user can fix (bad input file, missing model, wrong option). The CLI prints its message on one
/// line, without a stack trace, and exits non-zero.
/// </summary>
public class TextTaggerException : Exception
{
    public TextTaggerException(string message) : base(message) { }
    public TextTaggerException(string message, Exception inner) : base(message, inner) { }
}
