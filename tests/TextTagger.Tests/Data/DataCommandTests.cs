using TextTagger.Data;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Data;

public class DataCommandTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Stats_prints_tables_and_writes_charts_for_the_shared_file()
    {
        string plots = _folder.Combine("plots");
        var result = CliRunner.Run("data", "stats", "--data", SharedData.ToxicCommentsCsv, "--plots", plots);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("39,665 rows, 6 labels", result.Output);
        Assert.Matches(@"threat\s+│\s+270 │\s+0\.68 %", result.Output);
        Assert.Matches(@"at least one label\s+│\s+9,035", result.Output);
        Assert.Contains("train (balanced)", result.Output);
        Assert.Matches(@"│\s+92\.5 │\s+49 │\s+199 │\s+298 │\s+817 │\s+4,950 │\s+18\.4 % │\s+6\.4 % │\s+2\.1 % │", result.Output);
        foreach (var png in new[] { "label_counts.png", "tagged_vs_untagged.png", "token_lengths.png" })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(plots, png));
            Assert.True(bytes.Length > 10_000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
    }

    [Fact]
    public void Split_writes_train_and_validation_that_load_back_identically()
    {
        string csv = _folder.File("in.csv", "id,comment_text,toxic,threat\n" +
            string.Concat(Enumerable.Range(0, 200).Select(i => $"r{i},\"text {i}\nwith \"\"quote\"\"\",{(i % 3 == 0 ? 1 : 0)},{(i % 7 == 0 ? 1 : 0)}\n")));
        string output = _folder.Combine("split");
        var result = CliRunner.Run("data", "split", "--data", csv, "--out", output, "--val-fraction", "0.1", "--balance", "50", "--seed", "5");

        Assert.Equal(0, result.ExitCode);
        var train = CsvDatasetReader.Load(Path.Combine(output, "train.csv"));
        var validation = CsvDatasetReader.Load(Path.Combine(output, "validation.csv"));
        // Expected from how the input was written, not from the splitter: row i is "text i\nwith "quote"", toxic when
        // i % 3 == 0, threat when i % 7 == 0 — 86 tagged rows and 114 untagged.
        (string Text, byte Toxic, byte Threat) Written(string id)
        {
            int i = int.Parse(id[1..]);
            return ($"text {i}\nwith \"quote\"", (byte)(i % 3 == 0 ? 1 : 0), (byte)(i % 7 == 0 ? 1 : 0));
        }
        static bool Tagged(int i) => i % 3 == 0 || i % 7 == 0;
        Assert.All(train.Rows.Concat(validation.Rows), r => Assert.Equal(Written(r.Id!), (r.Text, r.Labels[0], r.Labels[1])));
        Assert.Equal(20, validation.Count);                                             // 10 % of 200
        var validationIds = validation.Rows.Select(r => r.Id!).ToHashSet();
        Assert.Equal(20, validationIds.Count);
        Assert.DoesNotContain(train.Rows, r => validationIds.Contains(r.Id!));
        // Training keeps every tagged row outside validation, and 50 of the untagged ones (--balance 50).
        var taggedOutside = Enumerable.Range(0, 200).Where(i => Tagged(i) && !validationIds.Contains($"r{i}")).Select(i => $"r{i}");
        Assert.Equal(taggedOutside.Order(), train.Rows.Where(r => r.IsTagged).Select(r => r.Id).Order());
        Assert.Equal(50, train.Rows.Count(r => !r.IsTagged));
        Assert.Equal(50, train.Rows.Where(r => !r.IsTagged).Select(r => r.Id).Distinct().Count());
        // The seed decides: the same seed gives the same files, another seed another validation part.
        string again = _folder.Combine("split-again"), other = _folder.Combine("split-other");
        Assert.Equal(0, CliRunner.Run("data", "split", "--data", csv, "--out", again, "--val-fraction", "0.1", "--balance", "50", "--seed", "5").ExitCode);
        Assert.Equal(0, CliRunner.Run("data", "split", "--data", csv, "--out", other, "--val-fraction", "0.1", "--balance", "50", "--seed", "6").ExitCode);
        foreach (var file in new[] { "train.csv", "validation.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(output, file)), File.ReadAllText(Path.Combine(again, file)));
        Assert.NotEqual(File.ReadAllText(Path.Combine(output, "validation.csv")), File.ReadAllText(Path.Combine(other, "validation.csv")));
        Assert.False(File.Exists(Path.Combine(output, "tune.csv")));

        // A tune part comes out of the training rows only: the validation rows stay the same, no row is in two parts.
        string withTune = _folder.Combine("split-tune");
        Assert.Equal(0, CliRunner.Run("data", "split", "--data", csv, "--out", withTune, "--val-fraction", "0.1", "--balance", "50",
                                      "--seed", "5", "--tune-fraction", "0.2").ExitCode);
        var tune = CsvDatasetReader.Load(Path.Combine(withTune, "tune.csv"));
        var trainWithTune = CsvDatasetReader.Load(Path.Combine(withTune, "train.csv"));
        Assert.Equal(40, tune.Count);
        Assert.Equal(File.ReadAllText(Path.Combine(output, "validation.csv")), File.ReadAllText(Path.Combine(withTune, "validation.csv")));
        Assert.Empty(tune.Rows.Select(r => r.Id).Intersect(trainWithTune.Rows.Select(r => r.Id).Concat(validation.Rows.Select(r => r.Id))));
    }

    [Fact]
    public void Bad_data_gives_one_line_error_without_stack_trace_and_writes_nothing()
    {
        string csv = _folder.File("bad.csv", "id,comment_text,toxic\na,ok,1\nb,bad,2\n");
        string output = _folder.Combine("split");
        var result = CliRunner.Run("data", "split", "--data", csv, "--out", output);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {csv}:3: field 3 ('toxic'): label value '2' is not 0 or 1", result.Error.Trim());
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Missing_required_option_and_unknown_label_fail_with_messages()
    {
        var missing = CliRunner.Run("data", "stats");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("--data", missing.Error);

        string csv = _folder.File("in.csv", "id,comment_text,toxic\na,ok,1\n");
        var unknown = CliRunner.Run("data", "stats", "--data", csv, "--labels", "toxic,spam");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("label column 'spam' not found", unknown.Error);
    }

    [Fact]
    public void Every_verb_answers_help_and_version()
    {
        foreach (var verb in new[] { new[] { "data", "stats" }, ["data", "split"], ["data"] })
        {
            var version = CliRunner.Run([.. verb, "--version"]);
            Assert.Equal(0, version.ExitCode);
            Assert.Matches(@"^\d+\.\d+\.\d+", version.Output.Trim());
            var help = CliRunner.Run([.. verb, "--help"]);
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("Usage:", help.Output);
        }
    }
}
