using TextTagger.Modeling.Pretrained;
using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using TextTagger.Tokenization;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger tokenize [--model minilm|DIR] [--max-tokens N] [--format table|json] "text" …`</summary>
static class TokenizeCommand
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "'minilm' (bundled) or a Hugging Face model directory with a vocab.txt",
            DefaultValueFactory = _ => "minilm",
        };
        var maxTokens = new Option<int>("--max-tokens")
        {
            Description = "Truncate to this many ids, [CLS] and [SEP] included",
            DefaultValueFactory = _ => BertTokenizer.DefaultMaxTokens,
        };
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var texts = new Argument<string[]>("text") { Description = "Texts to tokenize", Arity = ArgumentArity.OneOrMore };

        var command = new Command("tokenize", "Show the word pieces and ids of texts.") { model, maxTokens, format, texts };
        command.SetAction(parse =>
        {
            int max = parse.GetValue(maxTokens);
            if (max < 2) throw new TextTaggerException($"--max-tokens must be at least 2 ([CLS] and [SEP]), not {max}.");
            var tokenizer = BundledMiniLm.Tokenizer(parse.GetValue(model)!);
            var encoded = parse.GetValue(texts)!.Select(text => (Text: text, Ids: tokenizer.Encode(text, max))).ToList();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "json") WriteJson(output, tokenizer, encoded);
            else WriteTable(output, tokenizer, encoded);
            return 0;
        });
        return command;
    }

    static void WriteTable(TextWriter output, BertTokenizer tokenizer, List<(string Text, long[] Ids)> encoded)
    {
        for (int t = 0; t < encoded.Count; t++)
        {
            var (text, ids) = encoded[t];
            if (t > 0) output.WriteLine();
            output.WriteLine($"{JsonSerializer.Serialize(text, Json)}: {ids.Length} tokens");
            output.WriteLine($"{"#",5}  {"id",6}  token");
            for (int i = 0; i < ids.Length; i++)
                output.WriteLine($"{i,5}  {ids[i],6}  {tokenizer.Vocabulary[ids[i]]}");
        }
    }

    static void WriteJson(TextWriter output, BertTokenizer tokenizer, List<(string Text, long[] Ids)> encoded)
    {
        var records = encoded.Select(e => new
        {
            text = e.Text,
            ids = e.Ids,
            tokens = e.Ids.Select(id => tokenizer.Vocabulary[id]).ToArray(),
        });
        output.WriteLine(JsonSerializer.Serialize(records, Json));
    }
}
