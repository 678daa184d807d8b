using System.Globalization;
using System.Text.Json;
using nietras.SeparatedValues;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Inference;

public class PredictCommandTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>, IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Texts_print_a_table_by_default()
    {
        var result = CliRunner.Run("predict", "--model", model.Directory, "good nice", "bad rude");
        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("toxic", lines[0]);
        Assert.Contains("tags", lines[0]);
        var expected = model.Tagger.Predict("good nice").Probabilities[0].ToString("F4", CultureInfo.InvariantCulture);
        Assert.Contains(expected, lines[1]);
    }

    [Fact]
    public void Texts_as_json_hold_the_taggers_probabilities()
    {
        string[] texts = ["good nice", "ugly rude angry hate", ""];
        var result = CliRunner.Run(["predict", "--model", model.Directory, "--format", "json", .. texts]);
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(TinyModelFixture.Labels, json.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        ServerAssert.SameAsTagger(model.Tagger, texts, json.RootElement);
        Assert.Equal("ugly rude angry hate", json.RootElement.GetProperty("predictions")[1].GetProperty("text").GetString());
    }

    [Fact]
    public void A_csv_file_keeps_its_ids_and_gets_one_column_per_label_and_tags()
    {
        string input = _folder.File("in.csv", "id,comment_text,source\na1,good nice,x\na2,\"bad, \"\"rude\"\"\nugly\",y\na3,,z\n");
        string output = _folder.Combine("out", "preds.csv");
        var result = CliRunner.Run("predict", "--model", model.Directory, "--input", input, "--output", output, "--chunk-size", "2");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("predicted 3 rows", result.Error);

        var rows = ReadCsv(output);
        Assert.Equal(new[] { "id", "toxic", "insult", "threat", "tags" }, rows.Header);
        Assert.Equal(new[] { "a1", "a2", "a3" }, rows.Values.Select(r => r[0]));
        string[] texts = ["good nice", "bad, \"rude\"\nugly", ""];
        var direct = model.Tagger.Predict(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            for (int l = 0; l < 3; l++)
                Assert.Equal(direct[i].Probabilities[l], double.Parse(rows.Values[i][1 + l], CultureInfo.InvariantCulture), 1e-9);
            Assert.Equal(string.Join('|', direct[i].Tags), rows.Values[i][4]);
        }
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!, "*.tmp"));
    }

    [Fact]
    public void A_text_file_gives_one_row_per_line_and_columns_follow_the_options()
    {
        string input = _folder.File("in.txt", "good\r\nbad rude\n\nlove\n");
        string output = _folder.Combine("preds.csv");
        var result = CliRunner.Run("predict", "--model", model.Directory, "--input", input, "--output", output, "--threshold", "0");
        Assert.True(result.ExitCode == 0, result.Error);
        var rows = ReadCsv(output);
        Assert.Equal(new[] { "toxic", "insult", "threat", "tags" }, rows.Header);
        Assert.Equal(4, rows.Values.Count);
        Assert.All(rows.Values, r => Assert.Equal("toxic|insult|threat", r[3]));   // threshold 0: every label
        Assert.Equal(model.Tagger.Predict("bad rude").Probabilities[1], double.Parse(rows.Values[1][1], CultureInfo.InvariantCulture), 1e-9);

        string other = _folder.File("texts.data", "msg,who\ngood,me\n");
        var json = CliRunner.Run("predict", "--model", model.Directory, "--input", other, "--text-column", "msg", "--id-column", "who", "--format", "json");
        Assert.True(json.ExitCode == 0, json.Error);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Equal("me", doc.RootElement.GetProperty("predictions")[0].GetProperty("id").GetString());
    }

    [Fact]
    public void Json_output_file_by_extension()
    {
        string input = _folder.File("in.csv", "comment_text\ngood\nbad\n");
        string output = _folder.Combine("preds.json");
        var result = CliRunner.Run("predict", "--model", model.Directory, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        ServerAssert.SameAsTagger(model.Tagger, ["good", "bad"], doc.RootElement);
    }

    public static TheoryData<string, string?, string> BadInputs => new()
    {
        { "missing_model", "comment_text\ngood\n", "error: Model directory {dir}/nope not found" },
        { "no_text_column", "id,text\n1,good\n", "error: {input}:1: no text column 'comment_text'" },
        { "unterminated", "id,comment_text\n1,good\n2,\"never closed\n3,bad\n", "error: {input}:3: unterminated quoted field" },
        { "missing_input", null, "error: {input}: file not found" },
        { "nothing_to_tag", null, "error: give texts to tag, or --input FILE" },
        { "table_to_file", "comment_text\ngood\n", "error: --format table is for the console" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_one_line_error_exit_1_and_leaves_no_output(string name, string? content, string expected)
    {
        string input = _folder.Combine(name + ".csv");
        if (content != null) File.WriteAllText(input, content);
        string output = _folder.Combine(name + "-out.csv");
        File.WriteAllText(output, "previous");
        string[] args = name switch
        {
            "missing_model" => ["predict", "--model", _folder.Combine("nope"), "--input", input, "--output", output],
            "nothing_to_tag" => ["predict", "--model", model.Directory],
            "table_to_file" => ["predict", "--model", model.Directory, "--input", input, "--output", output, "--format", "table"],
            _ => ["predict", "--model", model.Directory, "--input", input, "--output", output],
        };
        var result = CliRunner.Run(args);
        Assert.Equal(1, result.ExitCode);
        string error = result.Error.TrimEnd();
        Assert.DoesNotContain('\n', error);
        Assert.StartsWith(expected.Replace("{input}", input).Replace("{dir}", _folder.Path), error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("previous", File.ReadAllText(output));
        Assert.Single(Directory.GetFiles(_folder.Path, "*-out.csv*"));
    }

    [Fact]
    public void Serve_with_a_missing_model_is_a_one_line_error()
    {
        var result = CliRunner.Run("serve", "--model", _folder.Combine("nope"), "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: Model directory", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Serve_with_a_negative_concurrent_batches_names_the_flag()
    {
        var result = CliRunner.Run("serve", "--model", _folder.Combine("nope"), "--concurrent-batches", "-1", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --concurrent-batches must be ≥ 0 (0: one per core), got -1", result.Error.Trim());
    }

    [Fact]
    public void Serve_with_both_batching_flags_is_a_one_line_error()
    {
        var result = CliRunner.Run("serve", "--model", _folder.Combine("nope"), "--micro-batching", "--no-micro-batching", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --micro-batching and --no-micro-batching contradict each other: give one", result.Error.Trim());
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("serve")]
    public void An_unknown_precision_is_a_one_line_error_naming_the_choices(string verb)
    {
        string[] texts = verb == "predict" ? ["some text"] : [];
        var result = CliRunner.Run([verb, "--model", _folder.Combine("nope"), "--precision", "fp16", .. texts]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("'fp16'", result.Error);
        Assert.Contains("bf16", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    static (string[] Header, List<string[]> Values) ReadCsv(string path)
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(path);
        var header = reader.Header.ColNames.ToArray();
        var values = new List<string[]>();
        foreach (var row in reader) values.Add(row[..].ToStringsArray());
        return (header, values);
    }
}
