using Microsoft.ML.OnnxRuntime;
using TextTagger.Export;
using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Export;

/// <summary>An exported model.onnx gives TorchSharp's logits: built from the config for every pooling and activation.</summary>
[Collection(TorchRandomCollection.Name)]
public class OnnxExportTests
{
    static readonly string[] Labels = ["toxic", "insult", "threat"];

    /// <summary>Texts of 0 … 40 vocabulary words (unknown words too), so batches mix lengths and padding.</summary>
    internal static string[] WordTexts(int count, int seed = 5)
    {
        var random = new Random(seed);
        string[] words = [.. TinyModelDirectory.Words, "w3", "w17", "w42", "unknownword", "!"];
        return Enumerable.Range(0, count)
            .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(0, 40)).Select(_ => words[random.Next(words.Length)])))
            .ToArray();
    }

    [Theory]
    [InlineData(PoolingMode.Cls, "gelu")]
    [InlineData(PoolingMode.Mean, "gelu")]
    [InlineData(PoolingMode.Cls, "gelu_new")]
    [InlineData(PoolingMode.Mean, "relu")]
    [InlineData(PoolingMode.Cls, "silu")]
    public void Exported_fp32_logits_match_torchsharp_within_1e_4(PoolingMode pooling, string activation)
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels, pooling, hiddenAct: activation, initializerRange: 0.2);
        var result = OnnxExporter.Export(model, folder["onnx"]);

        Assert.Equal(Precision.Fp32, result.Precision);
        Assert.True(result.MaxAbsLogitDifference <= 1e-4, $"probe Δ {result.MaxAbsLogitDifference}");
        foreach (var file in new[] { "model.onnx", "config.json", "vocab.txt", "tokenizer_config.json", "thresholds.json" })
            Assert.True(File.Exists(folder.Combine("onnx", file)), file);
        Assert.False(File.Exists(folder.Combine("onnx", "model.safetensors")));

        var texts = WordTexts(256);
        using var torch = Tagger.Load(new TaggerOptions { ModelPath = model, BatchSize = 16 });
        using var onnx = Tagger.Load(new TaggerOptions { ModelPath = folder["onnx"], BatchSize = 16 });
        Assert.Equal("torchsharp", torch.EngineName);
        Assert.Equal("onnxruntime", onnx.EngineName);
        var expected = torch.PredictLogits(texts);
        var actual = onnx.PredictLogits(texts);

        // The bound means something only if the logits are spread far wider than it.
        var flat = expected.Cast<float>().ToArray();
        Assert.True(flat.Max() - flat.Min() > 0.5, $"logits span only {flat.Max() - flat.Min()}");
        Assert.True(ModelMaxAbsDiff(expected, actual) <= 1e-4, $"max |Δ| {ModelMaxAbsDiff(expected, actual)}");
    }

    [Fact]
    public void The_graph_follows_the_contract_and_carries_labels_and_thresholds()
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels);
        File.WriteAllText(Path.Combine(model, "thresholds.json"), """{"toxic": 0.25, "insult": 0.5, "threat": 0.75}""");
        OnnxExporter.Export(model, folder["onnx"], new OnnxExportOptions { Opset = 18 });

        using var session = new InferenceSession(folder.Combine("onnx", "model.onnx"));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.InputMetadata.Keys);
        foreach (var input in session.InputMetadata.Values)
        {
            Assert.Equal(typeof(long), input.ElementType);
            Assert.Equal([-1, -1], input.Dimensions);   // dynamic batch and sequence
        }
        Assert.Equal([-1, 3], session.OutputMetadata["logits"].Dimensions);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("""["toxic","insult","threat"]""", metadata[OnnxContract.LabelsKey]);
        Assert.Equal("""{"toxic":0.25,"insult":0.5,"threat":0.75}""", metadata[OnnxContract.ThresholdsKey]);
        Assert.Equal("fp32", metadata[OnnxContract.PrecisionKey]);

        using var tagger = Tagger.Load(folder["onnx"]);
        Assert.Equal([0.25, 0.5, 0.75], tagger.Thresholds);
    }

    [Fact]
    public void The_export_keeps_the_rules_and_the_calibration_and_applies_it_like_the_source()
    {
        using var folder = new TempFolder();
        string model = TinyModelDirectory.Create(folder["model"], Labels);
        File.WriteAllText(Path.Combine(model, "thresholds.json"), """
            {"labels": [{"label": "toxic", "threshold": 0.25, "policy": "precision:0.9", "precision": 0.91, "recall": 0.4, "target_reached": true},
                        {"label": "insult", "threshold": 0.5, "policy": "f1"}, {"label": "threat", "threshold": 0.75, "policy": "f1"}]}
            """);
        File.WriteAllText(Path.Combine(model, "calibration.json"), """
            {"method": "platt", "tune_rows": 10, "labels": [{"label": "toxic", "slope": 0.5, "intercept": -1.0},
                        {"label": "insult", "slope": 2.0, "intercept": 0.25}, {"label": "threat", "slope": 1.0, "intercept": 0.0}]}
            """);
        OnnxExporter.Export(model, folder["onnx"], new OnnxExportOptions { Opset = 18 });

        string[] texts = ["w1 good ugly w3", "calm angry"];
        using var raw = Tagger.Load(new TaggerOptions { ModelPath = folder["onnx"], ApplyCalibration = false });
        using var exported = Tagger.Load(folder["onnx"]);
        using var source = Tagger.Load(new TaggerOptions { ModelPath = model, Engine = EngineKind.TorchSharp });
        var z = raw.PredictLogits(texts);
        var p = exported.PredictProbabilities(texts);
        var q = source.PredictProbabilities(texts);
        (double Slope, double Intercept)[] maps = [(0.5, -1.0), (2.0, 0.25), (1.0, 0.0)];
        for (int i = 0; i < texts.Length; i++)
            for (int l = 0; l < 3; l++)
            {
                Assert.Equal(1 / (1 + Math.Exp(-(maps[l].Slope * z[i, l] + maps[l].Intercept))), p[i, l], 6);
                Assert.Equal(q[i, l], p[i, l], 4);   // TorchSharp and ONNX Runtime, both calibrated
            }
        Assert.Equal("precision:0.9", exported.Rules!.Find("toxic")!.Policy);
        Assert.Equal(0.91, exported.Rules.Find("toxic")!.Precision);
    }

    internal static double ModelMaxAbsDiff(float[,] a, float[,] b) =>
        a.Cast<float>().Zip(b.Cast<float>(), (x, y) => (double)Math.Abs(x - y)).Max();
}

/// <summary>One ONNX Runtime session serves many threads at once (no lock): the answers are the sequential ones.</summary>
public class OnnxEngineConcurrencyTests(TextTagger.Tests.Serving.TinyModelFixture model) : IClassFixture<TextTagger.Tests.Serving.TinyModelFixture>
{
    [Fact]
    public async Task Concurrent_callers_share_one_session_and_get_the_sequential_answers()
    {
        using var tagger = Tagger.Load(model.Exported);
        var texts = OnnxExportTests.WordTexts(64, seed: 9);
        var expected = tagger.PredictLogits(texts);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            var mine = texts.Where((_, i) => i % 8 == worker).ToArray();
            return (worker, logits: tagger.PredictLogits(mine));
        })));
        foreach (var (worker, logits) in results)
        {
            var rows = Enumerable.Range(0, texts.Length).Where(i => i % 8 == worker).ToArray();
            for (int r = 0; r < rows.Length; r++)
                for (int l = 0; l < tagger.Labels.Count; l++)
                    Assert.Equal(expected[rows[r], l], logits[r, l], 1e-5f);
        }
    }
}
