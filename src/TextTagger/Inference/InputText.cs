namespace TextTagger.Inference;

/// <summary>One text to tag, with the id it had in its file (if the file has an id column) and where it came from.</summary>
/// <param name="Line">1-based line of the file where the row starts (0 for texts that come from no file).</param>
public readonly record struct InputText(string? Id, string Text, int Line);
