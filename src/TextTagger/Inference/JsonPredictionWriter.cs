using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TextTagger.Inference;

/// <summary>
/// Predictions as one JSON document, written as it goes:
/// `{"labels": [...], "predictions": [{"id": ..., "text": ..., "probabilities": {label: p}, "tags": [...], "truncated": false}]}` (truncated: longer than the token limit, only its start read)
/// ("id" only when the input has ids).
/// </summary>
public sealed class JsonPredictionWriter : IPredictionWriter
{
    readonly TextWriter _output;
    readonly ArrayBufferWriter<byte> _buffer = new();
    readonly Utf8JsonWriter _json;

    public JsonPredictionWriter(TextWriter output, IReadOnlyList<string> labels, bool indented = true)
    {
        _output = output;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = indented });
        _json.WriteStartObject();
        _json.WriteStartArray("labels");
        foreach (var label in labels) _json.WriteStringValue(label);
        _json.WriteEndArray();
        _json.WriteStartArray("predictions");
    }

    public void Write(IReadOnlyList<InputText> inputs, IReadOnlyList<Prediction> predictions)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            _json.WriteStartObject();
            if (inputs[i].Id is { } id) _json.WriteString("id", id);
            _json.WriteString("text", inputs[i].Text);
            _json.WriteStartObject("probabilities");
            for (int l = 0; l < predictions[i].Labels.Count; l++)
                _json.WriteNumber(predictions[i].Labels[l], predictions[i].Probabilities[l]);
            _json.WriteEndObject();
            _json.WriteStartArray("tags");
            foreach (var tag in predictions[i].Tags) _json.WriteStringValue(tag);
            _json.WriteEndArray();
            _json.WriteBoolean("truncated", predictions[i].Truncated);
            _json.WriteEndObject();
        }
        Drain();
    }

    public void Finish()
    {
        _json.WriteEndArray();
        _json.WriteEndObject();
        Drain();
        _output.WriteLine();
        _output.Flush();
    }

    void Drain()
    {
        _json.Flush();
        _output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _buffer.ResetWrittenCount();
    }
}
