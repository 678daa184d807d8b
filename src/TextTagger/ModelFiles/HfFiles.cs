using System.Text.Json;
using System.Text.Json.Nodes;

namespace TextTagger.ModelFiles;

/// <summary>The small JSON and text files of a Hugging Face model directory.</summary>
public static class HfFiles
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>do_lower_case from tokenizer_config.json; true (Hugging Face's default for BERT: uncased) when the file
    /// or the field is absent.</summary>
    public static bool ReadDoLowerCase(string directory)
    {
        string path = Path.Combine(directory, ModelDirectory.TokenizerConfigFile);
        if (!File.Exists(path)) return true;
        try
        {
            var value = JsonNode.Parse(File.ReadAllText(path))?["do_lower_case"];
            if (value is null) return true;
            return value.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new TextTaggerException($"{path}: do_lower_case must be true or false, got {value.ToJsonString()}."),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new TextTaggerException($"{path}: not a valid tokenizer_config.json ({e.Message})", e);
        }
    }

    /// <summary>model_max_length from tokenizer_config.json (the token limit the model was fine-tuned with), if set.</summary>
    public static int? ReadModelMaxLength(string directory)
    {
        string path = Path.Combine(directory, ModelDirectory.TokenizerConfigFile);
        if (!File.Exists(path)) return null;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path))?["model_max_length"];
            // Hugging Face writes a huge sentinel (1e30) when there is no limit.
            return node is JsonValue value && value.TryGetValue<double>(out double max) && max >= 1 && max <= int.MaxValue ? (int)max : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new TextTaggerException($"{path}: not a valid tokenizer_config.json ({e.Message})", e);
        }
    }

    public static void WriteTokenizerConfig(string directory, bool doLowerCase, int maxLength)
    {
        var json = new JsonObject
        {
            ["do_lower_case"] = doLowerCase,
            ["tokenizer_class"] = "BertTokenizer",
            ["model_max_length"] = maxLength,
        };
        File.WriteAllText(Path.Combine(directory, ModelDirectory.TokenizerConfigFile), json.ToJsonString(Indented) + "\n");
    }

    /// <summary>thresholds.json (see <see cref="ModelThresholds"/>), or null when there is none.</summary>
    public static ModelThresholds? ReadThresholds(string directory) => ModelThresholds.Read(directory);

    /// <summary>Given thresholds (no policy) as thresholds.json; 0.5 for a label without one.</summary>
    public static void WriteThresholds(string directory, IReadOnlyList<string> labels, IReadOnlyDictionary<string, float>? thresholds) =>
        ModelThresholds.Given(labels, thresholds).Write(directory);

    /// <summary>Writes vocab.txt with LF line ends (the bundled copy has CRLF).</summary>
    public static void WriteVocabulary(string path, byte[] vocabBytes)
    {
        string text = System.Text.Encoding.UTF8.GetString(vocabBytes).Replace("\r\n", "\n");
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        File.WriteAllText(path, text);
    }
}
