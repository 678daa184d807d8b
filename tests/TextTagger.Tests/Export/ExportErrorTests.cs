using System.Globalization;
using System.Text.RegularExpressions;
using Onnx;
using TextTagger.Inference;
using TextTagger.Export;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Export;

/// <summary>Bad input to export, and an exported directory that does not keep the contract: one line, exit 1, nothing written.</summary>
[Collection(TorchRandomCollection.Name)]
public class ExportErrorTests
{
    static readonly string[] Labels = ["toxic", "insult"];

    [Fact]
    public void Export_refuses_a_non_model_an_existing_out_and_an_untrained_encoder()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder["empty"]);
        var notModel = CliRunner.Run("export", "--model", folder["empty"], "--out", folder["x"]);
        Assert.Equal(1, notModel.ExitCode);
        Assert.Matches(@"^error: .*empty is not a model directory: it has no config\.json\.\n$", notModel.Error);

        string model = TinyModelDirectory.Create(folder["model"], Labels);
        Directory.CreateDirectory(folder["taken"]);
        File.WriteAllText(folder.Combine("taken", "keep.txt"), "mine");
        var taken = CliRunner.Run("export", "--model", model, "--out", folder["taken"]);
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("already exists (add --overwrite", taken.Error);
        Assert.Equal(["keep.txt"], Directory.GetFiles(folder["taken"]).Select(Path.GetFileName));

        string encoder = TinyModelDirectory.Create(folder["encoder"], []);
        var untrained = CliRunner.Run("export", "--model", encoder, "--out", folder["y"]);
        Assert.Equal(1, untrained.ExitCode);
        Assert.Contains("no trained classifier", untrained.Error);

        var opset = CliRunner.Run("export", "--model", model, "--out", folder["z"], "--opset", "13");
        Assert.Equal(1, opset.ExitCode);
        Assert.Contains("--opset must be between 17 and 21, got 13", opset.Error);

        // Nothing half-written: no output folders and no temporary siblings.
        Assert.Equal(["empty", "encoder", "model", "taken"], Directory.GetDirectories(folder.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Export_prints_the_parity_model_info_reads_it_and_overwrite_replaces_it()
    {
        using var folder = new TempFolder();
        // Weights 10× BERT's usual spread: logits of order 1, so the int8 error has a signal to be small against.
        string model = TinyModelDirectory.Create(folder["model"], Labels, initializerRange: 0.2);
        var first = CliRunner.Run("export", "--model", model, "--out", folder["onnx"], "--quantize", "int8");
        Assert.True(first.ExitCode == 0, first.Error);
        // 2 layers × (q, k, v, attention output, intermediate, output) + the [CLS] pooler + the classifier.
        var parity = Regex.Match(first.Output, @"exported .*model\.onnx \(int8, [0-9.]+ MB, 14 matrix products in int8\); ONNX Runtime vs TorchSharp on 6 probe texts: max \|Δ logit\| ([0-9.eE+-]+)");
        Assert.True(parity.Success, first.Output);
        double printed = double.Parse(parity.Groups[1].Value, CultureInfo.InvariantCulture);
        // The figure, bounded, and an independent measurement: both engines loaded here, on texts of our own.
        using var torch = Tagger.Load(model);
        using var int8 = Tagger.Load(folder["onnx"]);
        string[] texts = ["good nice kind", "bad", "ugly rude angry hate hate hate w1 w2 w3", "love", "", "calm w5 w7 happy sad w40 w41 w42 w43"];
        var expected = torch.PredictLogits(texts);
        double measured = OnnxExportTests.ModelMaxAbsDiff(expected, int8.PredictLogits(texts));
        double signal = expected.Cast<float>().Max(x => Math.Abs((double)x));
        Assert.True(signal > 0.5, $"max |logit| {signal}: too close to 0 to measure int8 against");
        Assert.True(printed > 0 && printed <= 0.1 * signal, $"printed max |Δ logit| {printed} against logits up to {signal}");
        Assert.True(measured > 0 && measured <= 0.1 * signal, $"measured max |Δ logit| {measured} against logits up to {signal}");
        var info = CliRunner.Run("model", "info", "--model", folder["onnx"]);
        Assert.True(info.ExitCode == 0, info.Error);
        Assert.Matches(@"labels:        toxic, insult\n", info.Output);
        Assert.Matches(@"model:         .*model\.onnx \([0-9.]+ MB, int8\), runs on ONNX Runtime", info.Output);

        var again = CliRunner.Run("export", "--model", model, "--out", folder["onnx"], "--overwrite");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("(fp32,", again.Output);
    }

    [Fact]
    public void A_model_onnx_that_breaks_the_contract_is_refused_when_loading()
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels);
        OnnxExporter.Export(model, folder["onnx"]);
        string path = folder.Combine("onnx", "model.onnx");
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        graph.Graph.Output[0].Name = "probabilities";
        graph.Graph.Node.Single(n => n.Output.Contains("logits")).Output[0] = "probabilities";
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(graph));

        var renamed = CliRunner.Run("predict", "--model", folder["onnx"], "hello");
        Assert.Equal(1, renamed.ExitCode);
        Assert.Matches(@"^error: .*model\.onnx: the graph has no output 'logits' \(outputs: probabilities\)\n$", renamed.Error);

        File.WriteAllText(path, "not a protobuf");
        var garbage = CliRunner.Run("predict", "--model", folder["onnx"], "hello");
        Assert.Equal(1, garbage.ExitCode);
        Assert.Matches(@"^error: .*model\.onnx: ONNX Runtime cannot load it \(", garbage.Error);
    }

    [Fact]
    public void Engine_and_precision_choices_that_do_not_fit_the_directory_are_one_line_errors()
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels);
        OnnxExporter.Export(model, folder["onnx"]);

        var torchOnExport = CliRunner.Run("predict", "--model", folder["onnx"], "--engine", "torch", "hello");
        Assert.Equal(1, torchOnExport.ExitCode);
        Assert.Contains("holds an exported model.onnx but no model.safetensors: it runs on the ONNX Runtime engine only", torchOnExport.Error);

        var onnxOnWeights = CliRunner.Run("predict", "--model", model, "--engine", "onnx", "hello");
        Assert.Equal(1, onnxOnWeights.ExitCode);
        Assert.Contains("has no model.onnx: export it first", onnxOnWeights.Error);

        var bf16 = CliRunner.Run("predict", "--model", folder["onnx"], "--precision", "bf16", "hello");
        Assert.Equal(1, bf16.ExitCode);
        Assert.Contains("precision bf16 is for the TorchSharp engine", bf16.Error);
    }
}
