namespace TextTagger.Inference;

/// <summary>Texts to tag, read one at a time (never the whole file at once).</summary>
public interface ITextSource : IDisposable
{
    /// <summary>Name of the id column the texts carry, or null when they have no ids.</summary>
    string? IdColumn { get; }

    /// <summary>Share of the input read so far, 0 to 1 (approximate: readers buffer ahead).</summary>
    double Fraction { get; }

    IEnumerable<InputText> Read();
}
