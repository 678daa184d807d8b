namespace TextTagger.Inference;

/// <summary>Texts given directly (command-line arguments), without ids.</summary>
public sealed class TextListSource(IReadOnlyList<string> texts) : ITextSource
{
    int _read;

    public string? IdColumn => null;
    public double Fraction => texts.Count == 0 ? 1 : (double)_read / texts.Count;

    public IEnumerable<InputText> Read()
    {
        for (_read = 0; _read < texts.Count; _read++)
            yield return new InputText(null, texts[_read], 0);
    }

    public void Dispose() { }
}
