using System.Text.Json;
using TextTagger.Modeling.Pretrained;

namespace TextTagger.Tokenization;

/// <summary>Finds a model's tokenizer files: the bundled MiniLM, or a Hugging Face model directory.</summary>
internal static class TokenizerFiles
{
    public static BertTokenizer Load(string modelNameOrDirectory)
    {
        if (string.IsNullOrWhiteSpace(modelNameOrDirectory))
            throw new TextTaggerException("No model given: pass 'minilm' or a model directory.");
        if (string.Equals(modelNameOrDirectory, BundledMiniLm.Name, StringComparison.OrdinalIgnoreCase))
        {
            var bytes = BundledMiniLm.ReadResource(BundledMiniLm.VocabResource);
            return BertTokenizer.FromVocabText(System.Text.Encoding.UTF8.GetString(bytes), lowercase: true);
        }

        string directory = modelNameOrDirectory;
        if (!Directory.Exists(directory))
            throw new TextTaggerException(
                $"Model directory not found: {directory} (pass '{BundledMiniLm.Name}' or a Hugging Face model directory with a vocab.txt).");
        string vocab = Path.Combine(directory, "vocab.txt");
        if (!File.Exists(vocab))
            throw new TextTaggerException($"No vocab.txt in model directory {directory}: only BERT WordPiece models are supported.");
        return BertTokenizer.FromVocab(vocab, ReadDoLowerCase(directory));
    }

    /// <summary>do_lower_case from tokenizer_config.json; true (Hugging Face's default for BERT) when absent.</summary>
    internal static bool ReadDoLowerCase(string directory)
    {
        string path = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(path)) return true;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("do_lower_case", out var value))
            {
                return value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new TextTaggerException($"{path}: do_lower_case must be true or false."),
                };
            }
            return true;
        }
        catch (JsonException e)
        {
            throw new TextTaggerException($"{path} is not valid JSON: {e.Message}");
        }
    }
}
