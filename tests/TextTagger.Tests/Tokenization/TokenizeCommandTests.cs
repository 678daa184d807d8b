using TextTagger.Tests.TestSupport;
using System.Text.Json;
using TextTagger.Cli;

namespace TextTagger.Tests.Tokenization;

public class TokenizeCommandTests
{
    static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = TextTaggerCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Prints_a_table_of_positions_ids_and_word_pieces()
    {
        var (exit, output, error) = Run("tokenize", "Hello, tokenization!");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("\"Hello, tokenization!\": 7 tokens", lines[0]);
        Assert.Equal("#  id  token", Columns(lines[1]));
        Assert.Equal(["0  101  [CLS]", "1  7592  hello", "2  1010  ,", "3  19204  token", "4  3989  ##ization", "5  999  !", "6  102  [SEP]"],
            lines.Skip(2).Select(Columns));
    }

    static string Columns(string line) => string.Join("  ", line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void Every_text_gets_its_own_table()
    {
        var (exit, output, _) = Run("tokenize", "a", "b c");
        Assert.Equal(0, exit);
        Assert.Contains("\"a\": 3 tokens", output);
        Assert.Contains("\"b c\": 4 tokens", output);
    }

    [Fact]
    public void Json_format_gives_ids_and_tokens_per_text_truncated_to_max_tokens()
    {
        var (exit, output, _) = Run("tokenize", "--format", "json", "--max-tokens", "4", "one two three four five", "hi");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var records = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, records.Length);
        Assert.Equal("one two three four five", records[0].GetProperty("text").GetString());
        Assert.Equal([101L, 2028, 2048, 102], records[0].GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(["[CLS]", "one", "two", "[SEP]"], records[0].GetProperty("tokens").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["[CLS]", "hi", "[SEP]"], records[1].GetProperty("tokens").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Model_directory_with_its_own_vocab_is_used()
    {
        using var directory = new TempFolder();
        File.WriteAllText(directory.Combine("vocab.txt"), "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhello\r\n##s\r\n");
        var (exit, output, _) = Run("tokenize", "--model", directory.Path, "--format", "json", "Hellos world");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal([2L, 4, 5, 1, 3], json.RootElement[0].GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public void Missing_model_directory_is_a_one_line_error_with_exit_code_1()
    {
        using var directory = new TempFolder();
        string missing = directory.Combine("no-such-model");
        var (exit, output, error) = Run("tokenize", "--model", missing, "text");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal($"error: Model directory not found: {missing} (pass 'minilm' or a Hugging Face model directory with a vocab.txt).", error.TrimEnd());
    }

    [Fact]
    public void Directory_without_vocab_and_bad_max_tokens_are_user_errors()
    {
        using var directory = new TempFolder();
        var noVocab = Run("tokenize", "--model", directory.Path, "text");
        Assert.Equal(1, noVocab.Exit);
        Assert.StartsWith($"error: No vocab.txt in model directory {directory.Path}", noVocab.Err);
        var badMax = Run("tokenize", "--max-tokens", "1", "text");
        Assert.Equal(1, badMax.Exit);
        Assert.Contains("--max-tokens must be at least 2", badMax.Err);
    }
}
