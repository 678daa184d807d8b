using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using static TorchSharp.torch;

namespace TextTagger.Bench.Benchmarks;

sealed record InferSettings
{
    public int Batch { get; init; } = 64;
    public int Seq { get; init; } = 128;
    /// <summary>Timed batches of the throughput run.</summary>
    public int Runs { get; init; } = 10;
    public int LatencySeq { get; init; } = 128;
    public int LatencyRuns { get; init; } = 50;
    public int Warmup { get; init; } = 3;
    public int Threads { get; init; } = 2;

    public string Describe() =>
        $"bundled MiniLM, {Threads} threads: throughput {Batch}×{Seq} ({Runs} batches), latency 1×{LatencySeq} ({LatencyRuns} runs), {Warmup} warm-up";
}

/// <summary>Throughput (one batch) and latency (one text) of one engine.</summary>
sealed record InferTimes(TimingStats Batch, TimingStats Single, int BatchSize)
{
    public double TextsPerSecond => BatchSize / Batch.Median;
}

/// <param name="OursBf16">Ours with bf16 autocast (`predict --precision bf16`).</param>
sealed record InferResult(InferSettings Settings, InferTimes Ours, InferTimes OursBf16, InferTimes OnnxRuntime, float MaxHiddenDiff,
                          float MaxMeanPooledDiff);

/// <summary>
/// Inference speed of our model (the bundled MiniLM through BertForMultiLabelClassification, eval mode, no_grad, one
/// dispose scope per call) against ONNX Runtime on the package's own model.onnx (the same weights), on the same
/// random ids: one batch (throughput) and one text (latency). Also checks that both give the same hidden states.
/// </summary>
sealed class InferBenchmark : IBenchmark
{
    public string Name => "infer";
    public string Description =>
        "our MiniLM vs ONNX Runtime: batch throughput and single-text latency [--batch 64] [--seq 128] [--runs 10] " +
        "[--latency-seq 128] [--latency-runs 50] [--warmup 3] [--threads 2]";

    static readonly string[] Valued = ["--batch", "--seq", "--runs", "--latency-seq", "--latency-runs", "--warmup", "--threads"];

    public int Run(string[] args)
    {
        BenchData.CheckOptions(args, Valued, []);
        var settings = new InferSettings
        {
            Batch = BenchData.IntOption(args, "--batch", 64),
            Seq = BenchData.IntOption(args, "--seq", 128),
            Runs = BenchData.IntOption(args, "--runs", 10),
            LatencySeq = BenchData.IntOption(args, "--latency-seq", 128),
            LatencyRuns = BenchData.IntOption(args, "--latency-runs", 50),
            Warmup = BenchData.IntOption(args, "--warmup", 3),
            Threads = BenchData.IntOption(args, "--threads", 2),
        };
        var r = Measure(settings);
        Console.WriteLine($"infer: {settings.Describe()}");
        Console.WriteLine($"| engine | {settings.Batch}×{settings.Seq} batch (s) | texts/s | 1×{settings.LatencySeq} latency (ms) |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| TorchSharp (ours) | {r.Ours.Batch.Median:F3} | {r.Ours.TextsPerSecond:F1} | {r.Ours.Single.Median * 1000:F1} |");
        Console.WriteLine($"| TorchSharp (ours), bf16 autocast | {r.OursBf16.Batch.Median:F3} | {r.OursBf16.TextsPerSecond:F1} | {r.OursBf16.Single.Median * 1000:F1} |");
        Console.WriteLine($"| ONNX Runtime {OrtVersion} | {r.OnnxRuntime.Batch.Median:F3} | {r.OnnxRuntime.TextsPerSecond:F1} | {r.OnnxRuntime.Single.Median * 1000:F1} |");
        Console.WriteLine($"max |Δ| last_hidden_state {r.MaxHiddenDiff:E2}, mean-pooled {r.MaxMeanPooledDiff:E2}");
        return r.MaxHiddenDiff <= 1e-3f ? 0 : 1;
    }

    public static string OrtVersion =>
        typeof(InferenceSession).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "?";

    public static InferResult Measure(InferSettings s, TextWriter? progress = null)
    {
        progress ??= Console.Error;
        TorchRuntime.SetThreads(s.Threads);
        var labels = Enumerable.Range(0, BertWork.Labels).Select(i => $"label{i}").ToArray();
        using var pretrained = PretrainedModel.Load(BundledMiniLm.Name, labels, PoolingMode.Mean);
        var model = pretrained.Model;
        model.eval();

        using var options = new SessionOptions
        {
            IntraOpNumThreads = s.Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(BundledMiniLm.ReadResource(BundledMiniLm.OnnxResource), options);

        var generator = new Generator(7);
        var batch = BertWork.RandomInputs(s.Batch, s.Seq, pretrained.Config.VocabSize, generator);
        var single = BertWork.RandomInputs(1, s.LatencySeq, pretrained.Config.VocabSize, generator);
        using var ortBatch = new OrtInputs(batch);
        using var ortSingle = new OrtInputs(single);

        // Same outputs? Our encoder's last_hidden_state against ONNX Runtime's, and the mean pooling on top.
        float maxHidden, maxMean;
        using (NewDisposeScope())
        using (no_grad())
        {
            using var ours = model.Bert.forward(batch.Ids, batch.Mask, batch.Types);
            using var outputs = ortBatch.Run(session);
            var theirs = tensor(outputs[0].GetTensorDataAsSpan<float>().ToArray(), ours.LastHiddenState.shape);
            maxHidden = (ours.LastHiddenState - theirs).abs().max().item<float>();
            maxMean = (Pooling.Mean(ours.LastHiddenState, batch.Mask) - Pooling.Mean(theirs, batch.Mask)).abs().max().item<float>();
        }
        progress.WriteLine($"outputs agree: max |Δ| last_hidden_state {maxHidden:E2}, mean-pooled {maxMean:E2}");

        void Ours((Tensor Ids, Tensor Mask, Tensor Types) input, ScalarType? computeType = null)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var autocast = Autocast.Enable(computeType);
            var logits = model.forward(input.Ids, input.Mask, input.Types);
            GC.KeepAlive(logits.data<float>().ToArray());
        }
        void Ort(OrtInputs input)
        {
            using var outputs = input.Run(session);
            GC.KeepAlive(outputs[0].GetTensorDataAsSpan<float>().ToArray());
        }

        var ourTimes = new InferTimes(Timed("ours", s.Batch, s.Seq, s.Warmup, s.Runs, () => Ours(batch), progress),
                                      Timed("ours", 1, s.LatencySeq, s.Warmup, s.LatencyRuns, () => Ours(single), progress), s.Batch);
        var bf16Times = new InferTimes(Timed("ours bf16", s.Batch, s.Seq, s.Warmup, s.Runs, () => Ours(batch, ScalarType.BFloat16), progress),
                                       Timed("ours bf16", 1, s.LatencySeq, s.Warmup, s.LatencyRuns, () => Ours(single, ScalarType.BFloat16), progress), s.Batch);
        var ortTimes = new InferTimes(Timed("onnxruntime", s.Batch, s.Seq, s.Warmup, s.Runs, () => Ort(ortBatch), progress),
                                      Timed("onnxruntime", 1, s.LatencySeq, s.Warmup, s.LatencyRuns, () => Ort(ortSingle), progress), s.Batch);
        foreach (var t in new[] { batch.Ids, batch.Mask, batch.Types, single.Ids, single.Mask, single.Types }) t.Dispose();
        return new InferResult(s, ourTimes, bf16Times, ortTimes, maxHidden, maxMean);
    }

    static TimingStats Timed(string engine, int batch, int seq, int warmup, int runs, Action work, TextWriter progress)
    {
        var stats = TimingStats.Measure(warmup, runs, work);
        progress.WriteLine($"{engine} {batch}×{seq}: {stats}");
        return stats;
    }

    /// <summary>The three int64 inputs of model.onnx, wrapping copies of the TorchSharp tensors' ids.</summary>
    sealed class OrtInputs : IDisposable
    {
        readonly Dictionary<string, OrtValue> _inputs;

        public OrtInputs((Tensor Ids, Tensor Mask, Tensor Types) input)
        {
            long[] shape = input.Ids.shape;
            OrtValue Value(Tensor t) => OrtValue.CreateTensorValueFromMemory(t.data<long>().ToArray(), shape);
            _inputs = new()
            {
                ["input_ids"] = Value(input.Ids),
                ["attention_mask"] = Value(input.Mask),
                ["token_type_ids"] = Value(input.Types),
            };
        }

        /// <summary>Runs the model; output 0 is last_hidden_state [batch, seq, 384], output 1 the pooler's.</summary>
        public IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session)
        {
            using var runOptions = new RunOptions();
            return session.Run(runOptions, _inputs, session.OutputNames);
        }

        public void Dispose()
        {
            foreach (var value in _inputs.Values) value.Dispose();
        }
    }
}
