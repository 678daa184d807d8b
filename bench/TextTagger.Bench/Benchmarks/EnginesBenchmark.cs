using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using TextTagger.Export;
using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using TextTagger.Tokenization;

namespace TextTagger.Bench.Benchmarks;

/// <summary>
/// The ways to run one model directory — TorchSharp fp32, TorchSharp bf16, ONNX Runtime fp32 and int8 (the
/// directory exported by <see cref="OnnxExporter"/>), each also with ONNX Runtime's fused operators (--fused) — through the same <see cref="Tagger"/>: texts/s over real
/// comments with their real length mix (tokenizing, sorting and dynamic padding included, as predict and evaluate
/// run), one 64 × 128 batch, and one-text latency; model file sizes; and how far each engine's probabilities move
/// from TorchSharp fp32's.
/// </summary>
sealed class EnginesBenchmark : IBenchmark
{
    static readonly string[] Labels = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"];

    public string Name => "engines";
    public string Description =>
        "TorchSharp fp32/bf16 vs ONNX Runtime fp32/int8 on one model [--model DIR (default: MiniLM + random head)] " +
        "[--data CSV (default: runs/main/validation.csv, else the shared file)] [--rows 1983] [--max-tokens 256] [--runs 3] [--threads 2] [--no-sessions (skip the int8 session-settings table)] [--int8-bits 7|8]";

    public int Run(string[] args)
    {
        BenchData.CheckOptions(args, ["--model", "--data", "--rows", "--max-tokens", "--runs", "--threads", "--int8-bits"], ["--no-sessions"]);
        int bits = BenchData.IntOption(args, "--int8-bits", 7);
        int threads = BenchData.IntOption(args, "--threads", 2), rows = BenchData.IntOption(args, "--rows", 1983);
        int maxTokens = BenchData.IntOption(args, "--max-tokens", 256), runs = BenchData.IntOption(args, "--runs", 3);
        string validation = Path.Combine(BenchData.RepositoryRoot(), "runs", "main", "validation.csv");
        string csv = BenchData.Option(args, "--data", File.Exists(validation) ? validation : BenchData.DefaultCsv());
        var comments = BenchData.ReadComments(csv).Take(rows).ToArray();
        TorchRuntime.SetThreads(threads);

        string work = Path.Combine(Path.GetTempPath(), "texttagger-bench", "engines");
        string model = BenchData.Option(args, "--model", "");
        if (model == "")
        {
            model = Path.Combine(work, "minilm-random-head");
            using var pretrained = PretrainedModel.Load(BundledMiniLm.Name, Labels);
            pretrained.Save(model, maxTokens: maxTokens);
        }
        var fp32 = OnnxExporter.Export(model, Path.Combine(work, "onnx-fp32"), new OnnxExportOptions { Overwrite = true });
        var int8 = OnnxExporter.Export(model, Path.Combine(work, "onnx-int8"), new OnnxExportOptions { Overwrite = true, Quantize = OnnxQuantization.Int8, Int8WeightBits = bits });
        var fp32Fused = OnnxExporter.Export(model, Path.Combine(work, "onnx-fp32-fused"), new OnnxExportOptions { Overwrite = true, Fused = true });
        var int8Fused = OnnxExporter.Export(model, Path.Combine(work, "onnx-int8-fused"),
                                            new OnnxExportOptions { Overwrite = true, Quantize = OnnxQuantization.Int8, Fused = true, Int8WeightBits = bits });

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"engines: {model}; {comments.Length} comments from {csv}, max {maxTokens} tokens, {threads} threads, " +
                          $"median of {runs} runs; int8 weights in {bits} bits; CPU native bf16: {Autocast.CpuHasNativeBFloat16}");
        Console.WriteLine("| engine | file (MB) | texts/s, real mix | × TorchSharp fp32 | 64×128 batch (s) | texts/s | 1 text (ms) | mean / max |Δp| vs TorchSharp fp32 |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var engines = new (string Name, string Directory, Precision Precision, EngineKind Kind, long Bytes)[]
        {
            ("TorchSharp fp32", model, Precision.Fp32, EngineKind.TorchSharp, WeightsBytes(model)),
            ("TorchSharp bf16", model, Precision.Bf16, EngineKind.TorchSharp, WeightsBytes(model)),
            ("ONNX Runtime fp32", fp32.Directory, Precision.Fp32, EngineKind.OnnxRuntime, fp32.OnnxBytes),
            ("ONNX Runtime int8", int8.Directory, Precision.Auto, EngineKind.OnnxRuntime, int8.OnnxBytes),
            ("ONNX Runtime fp32, --fused", fp32Fused.Directory, Precision.Fp32, EngineKind.OnnxRuntime, fp32Fused.OnnxBytes),
            ("ONNX Runtime int8, --fused", int8Fused.Directory, Precision.Auto, EngineKind.OnnxRuntime, int8Fused.OnnxBytes),
        };
        double[,]? reference = null;
        double baseline = 0;
        foreach (var e in engines)
        {
            if (e.Precision == Precision.Bf16 && !Autocast.CpuHasNativeBFloat16)
            {
                Console.WriteLine($"| {e.Name} | — | skipped: this CPU has no native bfloat16 (emulated bf16 is far slower than fp32) | | | | | |");
                continue;
            }
            using var tagger = Tagger.Load(new TaggerOptions { ModelPath = e.Directory, MaxTokens = maxTokens, Precision = e.Precision, Engine = e.Kind, Threads = threads });
            double[,] probabilities = tagger.PredictProbabilities(comments);   // also the warm-up
            var mix = TimingStats.Measure(0, runs, () => tagger.PredictProbabilities(comments));
            var transformer = (TransformerScorer)tagger.Scorer;
            var batch = PaddedBatch.Encode(transformer.Tokenizer, comments.Take(64).ToArray(), 128, BatchPadding.MaxTokens);
            var one = PaddedBatch.Encode(transformer.Tokenizer, [comments.First(t => transformer.Tokenizer.CountTokens(t) >= 128)], 128);
            var batchTime = TimingStats.Measure(1, runs, () => transformer.Engine.Forward(batch));
            var single = TimingStats.Measure(3, 20, () => transformer.Engine.Forward(one));

            reference ??= probabilities;
            double mean = 0, max = 0;
            foreach (var (a, b) in reference.Cast<double>().Zip(probabilities.Cast<double>()))
            {
                mean += Math.Abs(a - b);
                max = Math.Max(max, Math.Abs(a - b));
            }
            mean /= probabilities.Length;
            double textsPerSecond = comments.Length / mix.Median;
            if (baseline == 0) baseline = textsPerSecond;
            Console.WriteLine(string.Create(c,
                $"| {e.Name} | {e.Bytes / 1048576.0:F1} | {textsPerSecond:F1} | {textsPerSecond / baseline:F2} | {batchTime.Median:F3} | " +
                $"{64 / batchTime.Median:F1} | {single.Median * 1000:F1} | {mean:E1} / {max:E1} |"));
        }
        if (!BenchData.Flag(args, "--no-sessions")) SessionSettings(int8.Directory, comments, maxTokens, runs, threads);
        return 0;
    }

    /// <summary>texts/s of the int8 export under other ONNX Runtime session settings than the engine's defaults.</summary>
    static void SessionSettings(string directory, string[] comments, int maxTokens, int runs, int threads)
    {
        var files = ModelDirectory.Open(directory);
        var tokenizer = BertTokenizer.FromVocab(files.VocabPath, files.DoLowerCase);
        var variants = new (string Name, Func<SessionOptions> Options)[]
        {
            ("defaults: ORT_ENABLE_ALL, arena on, sequential", () => OnnxRuntimeEngine.DefaultOptions(threads)),
            ("ORT_ENABLE_BASIC (no fusions)", () => With(o => o.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC)),
            ("ORT_ENABLE_EXTENDED", () => With(o => o.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)),
            ("memory arena off", () => With(o => o.EnableCpuMemArena = false)),
            ("1 intra-op thread", () => With(o => o.IntraOpNumThreads = 1)),
            ("parallel execution, 2 inter-op threads", () => With(o => { o.ExecutionMode = ExecutionMode.ORT_PARALLEL; o.InterOpNumThreads = 2; })),
        };
        SessionOptions With(Action<SessionOptions> change)
        {
            var options = OnnxRuntimeEngine.DefaultOptions(threads);
            change(options);
            return options;
        }
        Console.WriteLine();
        Console.WriteLine("| ONNX Runtime int8 session | texts/s, real mix |");
        Console.WriteLine("|---|---|");
        var ids = tokenizer.EncodeAll(comments, maxTokens);
        foreach (var (name, create) in variants)
        {
            using var options = create();
            using var engine = OnnxRuntimeEngine.Open(files.OnnxPath!, files.Labels.Count, options: options);
            LogitsRunner.Run(engine, ids, tokenizer.PadId, Tagger.DefaultBatchSize);
            var time = TimingStats.Measure(0, runs, () => LogitsRunner.Run(engine, ids, tokenizer.PadId, Tagger.DefaultBatchSize));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {comments.Length / time.Median:F1} |"));
        }
    }

    static long WeightsBytes(string directory) =>
        new FileInfo(ModelDirectory.Open(directory).RequireWeights()).Length;
}
