namespace TextTagger.Inference;

/// <summary>Writes predictions chunk by chunk as they are made, so nothing holds a whole file's worth of rows.</summary>
public interface IPredictionWriter
{
    void Write(IReadOnlyList<InputText> inputs, IReadOnlyList<Prediction> predictions);

    /// <summary>Writes whatever closes the output (e.g. a JSON document's closing brackets).</summary>
    void Finish();
}
