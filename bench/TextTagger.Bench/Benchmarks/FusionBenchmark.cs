using Microsoft.ML.OnnxRuntime;
using TextTagger.Export;
using TextTagger.Modeling;
using TextTagger.Modeling.Checkpoints;
using TextTagger.Modeling.Pretrained;
using static TorchSharp.torch;

namespace TextTagger.Bench.Benchmarks;

/// <summary>
/// The fused-node counts of our exports as ONNX Runtime optimizes them (<see cref="OnnxFusionReport"/>): a tiny random
/// BERT and the bundled MiniLM (pre-trained encoder, random head: fusions depend on the graph's shape, not on its
/// weights), each exported fp32 and int8, at ORT_ENABLE_EXTENDED and ORT_ENABLE_ALL. No timing: this says which of
/// ONNX Runtime's transformer fusions matched.
/// </summary>
sealed class FusionBenchmark : IBenchmark
{
    static readonly string[] Labels = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"];

    public string Name => "fusion";
    public string Description => "ONNX Runtime's fused-node counts for fp32/int8 exports of a tiny random BERT and MiniLM [--model DIR (instead of both)] [--keep DIR (the optimized graphs)]";

    public int Run(string[] args)
    {
        BenchData.CheckOptions(args, ["--model", "--keep"], []);
        string work = Path.Combine(Path.GetTempPath(), "texttagger-bench", "fusion");
        string keep = BenchData.Option(args, "--keep", "");
        string given = BenchData.Option(args, "--model", "");
        var models = given != "" ? [("given", given)]
            : new[] { ("tiny random BERT", TinyRandomBert(Path.Combine(work, "tiny"))), ("MiniLM", MiniLm(Path.Combine(work, "minilm"))) };

        var exports = new List<(string Name, string OnnxPath)>();
        foreach (var (name, directory) in models)
            foreach (var (variant, options) in Variants())
            {
                string slug = $"{name}-{variant}".Replace(" --", "-").Replace(' ', '-');
                var result = OnnxExporter.Export(directory, Path.Combine(work, "onnx", slug), options with { Overwrite = true });
                exports.Add(($"{name}, {variant}", result.OnnxPath));
            }

        string[] columns = ["nodes", .. OnnxFusionReport.WatchedOperators];
        Console.WriteLine("| export | ORT level | " + string.Join(" | ", columns) + " |");
        Console.WriteLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", columns.Length)));
        foreach (var (name, path) in exports)
            foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_EXTENDED, GraphOptimizationLevel.ORT_ENABLE_ALL })
            {
                string? optimized = keep == "" ? null
                    : Path.Combine(Directory.CreateDirectory(keep).FullName, $"{name.Replace(", ", "-").Replace(' ', '-')}-{level}.onnx");
                var report = OnnxFusionReport.Optimize(path, level, optimized);
                var cells = OnnxFusionReport.WatchedOperators.Select(op => report.Count(op) is var n and > 0 ? n.ToString() : "·");
                Console.WriteLine($"| {name} | {level.ToString().Replace("ORT_ENABLE_", "")} | {report.TotalNodes} | {string.Join(" | ", cells)} |");
            }
        return 0;
    }

    static IEnumerable<(string Name, OnnxExportOptions Options)> Variants()
    {
        yield return ("fp32", new OnnxExportOptions());
        yield return ("int8", new OnnxExportOptions { Quantize = OnnxQuantization.Int8 });
        yield return ("fp32 --fused", new OnnxExportOptions { Fused = true });
        yield return ("int8 --fused", new OnnxExportOptions { Quantize = OnnxQuantization.Int8, Fused = true });
    }

    static string MiniLm(string directory)
    {
        using var pretrained = PretrainedModel.Load(BundledMiniLm.Name, Labels);
        pretrained.Save(directory, maxTokens: 256);
        return directory;
    }

    /// <summary>2 layers, hidden 32, 4 heads, MiniLM's vocabulary; weights as the constructor draws them.</summary>
    static string TinyRandomBert(string directory)
    {
        using var minilm = PretrainedModel.Load(BundledMiniLm.Name, Labels);
        var config = new BertConfig
        {
            VocabSize = minilm.Config.VocabSize, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4,
            IntermediateSize = 64, MaxPositionEmbeddings = 512, TypeVocabSize = 2, Architectures = ["BertForSequenceClassification"],
        };
        config.SetLabels(Labels);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        config.Save(Path.Combine(directory, ModelDirectory.ConfigFile));
        File.Copy(minilm.VocabPath, Path.Combine(directory, ModelDirectory.VocabFile));
        using var model = new BertForMultiLabelClassification(config, Labels.Length);
        SafetensorsFile.Write(Path.Combine(directory, ModelDirectory.SafetensorsFile),
                              model.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)));
        return directory;
    }
}
