using System.Text;
using System.Text.Json;
using TextTagger.Tokenization;

namespace TextTagger.Tests.Tokenization;

/// <summary>
/// Hugging Face's Rust tokenizer (through Tokenizers.DotNet) configured as uncased BERT over a given vocabulary:
/// BertNormalizer(clean_text, handle_chinese_chars, strip_accents null, lowercase), BertPreTokenizer,
/// WordPiece(unk [UNK], "##", max_input_chars_per_word 100), template [CLS] $A [SEP], truncation at 512.
/// No added tokens: a literal "[SEP]" in the text is text.
/// </summary>
public sealed class HuggingFaceOracle : IDisposable
{
    public const int MaxTokens = 512;
    readonly Tokenizers.DotNet.Tokenizer _tokenizer;
    readonly string _directory;

    public HuggingFaceOracle(Vocabulary vocabulary)
    {
        _directory = Directory.CreateTempSubdirectory("texttagger-hf-oracle-").FullName;
        string path = Path.Combine(_directory, "tokenizer.json");
        File.WriteAllBytes(path, TokenizerJson(vocabulary));
        _tokenizer = new Tokenizers.DotNet.Tokenizer(path);
    }

    /// <summary>Ids with [CLS]/[SEP], truncated to 512.</summary>
    public long[] Encode(string text) => Array.ConvertAll(_tokenizer.Encode(text), id => (long)id);

    public static byte[] TokenizerJson(Vocabulary vocabulary)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteStartObject("truncation");
            w.WriteString("direction", "Right");
            w.WriteNumber("max_length", MaxTokens);
            w.WriteString("strategy", "LongestFirst");
            w.WriteNumber("stride", 0);
            w.WriteEndObject();
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            w.WriteEndArray();
            w.WriteStartObject("normalizer");
            w.WriteString("type", "BertNormalizer");
            w.WriteBoolean("clean_text", true);
            w.WriteBoolean("handle_chinese_chars", true);
            w.WriteNull("strip_accents");
            w.WriteBoolean("lowercase", true);
            w.WriteEndObject();
            w.WriteStartObject("pre_tokenizer");
            w.WriteString("type", "BertPreTokenizer");
            w.WriteEndObject();
            w.WriteStartObject("post_processor");
            w.WriteString("type", "TemplateProcessing");
            w.WriteStartArray("single");
            WriteSpecial(w, "[CLS]");
            w.WriteStartObject();
            w.WriteStartObject("Sequence");
            w.WriteString("id", "A");
            w.WriteNumber("type_id", 0);
            w.WriteEndObject();
            w.WriteEndObject();
            WriteSpecial(w, "[SEP]");
            w.WriteEndArray();
            w.WriteStartArray("pair");
            w.WriteEndArray();
            w.WriteStartObject("special_tokens");
            foreach (var token in new[] { "[CLS]", "[SEP]" })
            {
                w.WriteStartObject(token);
                w.WriteString("id", token);
                w.WriteStartArray("ids");
                w.WriteNumberValue(vocabulary.IdOf(token));
                w.WriteEndArray();
                w.WriteStartArray("tokens");
                w.WriteStringValue(token);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("decoder");
            w.WriteString("type", "WordPiece");
            w.WriteString("prefix", "##");
            w.WriteBoolean("cleanup", true);
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "WordPiece");
            w.WriteString("unk_token", "[UNK]");
            w.WriteString("continuing_subword_prefix", "##");
            w.WriteNumber("max_input_chars_per_word", 100);
            w.WriteStartObject("vocab");
            for (int id = 0; id < vocabulary.Count; id++)
                if (vocabulary.IdOf(vocabulary[id]) == id) w.WriteNumber(vocabulary[id], id);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    static void WriteSpecial(Utf8JsonWriter w, string token)
    {
        w.WriteStartObject();
        w.WriteStartObject("SpecialToken");
        w.WriteString("id", token);
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public void Dispose()
    {
        _tokenizer.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
