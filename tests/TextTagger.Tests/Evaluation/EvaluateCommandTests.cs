using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TextTagger.Evaluation;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Evaluation;

public class EvaluateCommandTests : IDisposable
{
    static readonly string[] Labels = ["toxic", "insult"];
    static readonly string[] Outputs = ["metrics.json", "report.md", "roc_curves.png", "confusion_matrices.png", "f1_by_label.png", "reliability.png"];
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    /// <summary>PNG signature, an IHDR of a sensible size, and more than a blank image's bytes.</summary>
    internal static void AssertPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is not a PNG");
        Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
        int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        Assert.InRange(width, 600, 4000);
        Assert.InRange(height, 400, 4000);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
    }

    string Csv(string name, string header, int rows = 60)
    {
        var data = ModelEvaluationTests.Dataset(rows, Labels);
        var csv = new StringBuilder(header + "\n");
        foreach (var row in data.Rows)
            csv.Append(row.Id).Append(",\"").Append(row.Text).Append('"').Append(string.Concat(row.Labels.Select(l => "," + l))).Append('\n');
        return _folder.File(name, csv.ToString());
    }

    string Model() => TinyModelDirectory.Create(_folder.Combine("run", "model"), Labels);

    [Fact]
    public void Writes_metrics_report_and_charts_into_out()
    {
        string model = Model();
        string data = Csv("data.csv", "id,comment_text,toxic,insult");
        string outDir = _folder.Combine("eval");

        var result = CliRunner.Run("evaluate", "--model", model, "--data", data, "--out", outDir, "--batch-size", "8");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(Outputs.Order(), Directory.GetFiles(outDir).Select(Path.GetFileName).Order());
        foreach (var png in Outputs.Where(f => f.EndsWith(".png"))) AssertPng(Path.Combine(outDir, png));
        var metrics = EvaluationReportJson.Read(Path.Combine(outDir, "metrics.json"));
        Assert.Equal(Labels, metrics.LabelNames);
        Assert.Equal(60, metrics.RowCount);
        Assert.Equal(TunedThresholdsSource.TunedOnThisData, metrics.TunedThresholdsSource);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json"))))
            Assert.Equal("tuned_on_this_data", json.RootElement.GetProperty("tuned_thresholds_source").GetString());
        string md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("## At thresholds tuned on this data (optimistic)", md);
        Assert.Contains("![ROC curves](roc_curves.png)", md);

        // Console: ranking table, sklearn-layout reports at 0.5 and tuned, confusion matrices, plain progress lines.
        Assert.Contains("Ranking metrics", result.Output);
        foreach (var section in new[] { metrics.AtDefaultThreshold, metrics.AtTunedThresholds! })
            Assert.Contains(ClassificationReportText.Render(section.Report, 4), result.Output.Replace("\r\n", "\n"));
        Assert.Contains("At threshold 0.5", result.Output);
        Assert.Contains("At thresholds tuned on this data (optimistic)", result.Output);
        Assert.Contains("Confusion matrices", result.Output);
        Assert.Contains("scored 60/60 rows (100%)", result.Output);
        Assert.DoesNotContain(Directory.GetDirectories(_folder.Path), d => Path.GetFileName(d).StartsWith('.')); // no temp folder left

        // --limit-rows, --threshold, and an earlier evaluation is replaced whole.
        var again = CliRunner.Run("evaluate", "--model", model, "--data", data, "--out", outDir, "--limit-rows", "25", "--threshold", "0.3");
        Assert.True(again.ExitCode == 0, again.Error);
        var second = EvaluationReportJson.Read(Path.Combine(outDir, "metrics.json"));
        Assert.Equal(25, second.RowCount);
        Assert.Equal(TunedThresholdsSource.Given, second.TunedThresholdsSource);
        Assert.Equal(new[] { 0.3, 0.3 }, second.AtTunedThresholds!.Thresholds);
    }

    [Fact]
    public void Default_out_is_an_evaluation_folder_beside_the_model_and_label_order_may_differ()
    {
        string model = Model();
        string data = Csv("data.csv", "id,comment_text,insult,toxic");
        var result = CliRunner.Run("evaluate", "--model", model, "--data", data);
        Assert.True(result.ExitCode == 0, result.Error);
        string outDir = _folder.Combine("run", "evaluation");
        Assert.Equal(Labels, EvaluationReportJson.Read(Path.Combine(outDir, "metrics.json")).LabelNames);
        Assert.Contains(outDir, result.Output);
    }

    [Fact]
    public void Label_mismatch_is_a_one_line_error_and_writes_nothing()
    {
        string model = Model();
        string data = Csv("data.csv", "id,comment_text,toxic,threat");
        string outDir = _folder.Combine("eval");
        var result = CliRunner.Run("evaluate", "--model", model, "--data", data, "--out", outDir);
        Assert.Equal(1, result.ExitCode);
        string error = result.Error.TrimEnd('\n');
        Assert.DoesNotContain('\n', error);
        Assert.StartsWith("error: ", error);
        Assert.Contains("missing from the data: insult", error);
        Assert.Contains("not labels of the model: threat", error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Bad_input_is_a_one_line_error()
    {
        string model = Model();
        string data = Csv("data.csv", "id,comment_text,toxic,insult");
        string notEvaluation = _folder.Combine("precious");
        Directory.CreateDirectory(notEvaluation);
        File.WriteAllText(Path.Combine(notEvaluation, "keep.txt"), "mine");

        (string[] Args, string Message)[] cases =
        [
            (["--model", _folder.Combine("nope"), "--data", data], "model directory not found"),
            (["--model", model, "--data", _folder.Combine("missing.csv")], "file not found"),
            (["--model", model, "--data", data, "--out", notEvaluation], "not an earlier evaluation"),
            (["--model", model, "--data", data, "--out", model], "would replace the model directory"),
            (["--model", model, "--data", data, "--threshold", "1.5"], "--threshold must be between 0 and 1"),
            (["--model", model, "--data", data, "--limit-rows", "0"], "--limit-rows must be at least 1"),
            (["--model", model, "--data", data, "--text-column", "body"], "body"),
        ];
        foreach (var (args, message) in cases)
        {
            var result = CliRunner.Run(["evaluate", .. args]);
            Assert.True(result.ExitCode == 1, $"{string.Join(' ', args)}: exit {result.ExitCode}");
            Assert.Contains(message, result.Error);
            Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        }
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(notEvaluation).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(model, "config.json")));
    }
}
