namespace TextTagger.Tokenization;

/// <summary>
/// A WordPiece vocabulary as read from a <c>vocab.txt</c>: one token a line, the id is the line number
/// (LF or CRLF line ends). Continuation pieces carry the <c>##</c> prefix, as in the file.
/// </summary>
public sealed class Vocabulary
{
    readonly string[] _tokens;
    readonly Dictionary<string, long> _ids;

    Vocabulary(string[] tokens)
    {
        _tokens = tokens;
        _ids = new Dictionary<string, long>(tokens.Length, StringComparer.Ordinal);
        for (int id = 0; id < tokens.Length; id++)
            _ids.TryAdd(tokens[id], id); // first occurrence wins, as in Hugging Face's loader
    }

    /// <summary>Parses the text of a vocab.txt. A trailing line end does not add an entry.</summary>
    public static Vocabulary Parse(string vocabText)
    {
        var lines = new List<string>(32_000);
        using var reader = new StringReader(vocabText);
        while (reader.ReadLine() is { } line) lines.Add(line); // ReadLine strips \n, \r\n and \r alike
        if (lines.Count == 0) throw new TextTaggerException("The vocabulary is empty.");
        return new Vocabulary(lines.ToArray());
    }

    /// <summary>Number of entries (the model's vocab_size).</summary>
    public int Count => _tokens.Length;

    /// <summary>The token of an id.</summary>
    public string this[long id] => _tokens[id];

    public bool Contains(string token) => _ids.ContainsKey(token);

    public bool TryGetId(string token, out long id) => _ids.TryGetValue(token, out id);

    /// <summary>The id of a token that must be in the vocabulary (e.g. a special token).</summary>
    public long IdOf(string token) =>
        _ids.TryGetValue(token, out long id)
            ? id
            : throw new TextTaggerException($"The vocabulary has no token '{token}'.");

    /// <summary>Tokens in id order.</summary>
    public IReadOnlyList<string> Tokens => _tokens;
}
