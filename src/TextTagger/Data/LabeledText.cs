namespace TextTagger.Data;

/// <summary>One row of a dataset: a text, its 0/1 labels (in the order of <see cref="LabeledDataset.LabelNames"/>),
/// an optional id, and the line in the source file where the row starts.</summary>
public sealed record LabeledText(string? Id, string Text, byte[] Labels, int SourceLine)
{
    public bool IsTagged => Array.IndexOf(Labels, (byte)1) >= 0;
}
