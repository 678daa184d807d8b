using TextTagger.Inference.Engines;
using System.Diagnostics;
using TorchSharp;
using TextTagger.Modeling;
using TextTagger.Training;
using static TorchSharp.torch;

namespace TextTagger.Bench.Benchmarks;

/// <summary>What one train-step measurement runs.</summary>
sealed record TrainStepSettings
{
    public string Arch { get; init; } = "minilm";
    public int Batch { get; init; } = 32;
    public int Seq { get; init; } = 128;
    public int Steps { get; init; } = 20;
    public int Warmup { get; init; } = 3;
    public int Threads { get; init; } = 2;
    public PoolingMode Pooling { get; init; } = PoolingMode.Mean;
    /// <summary>Model, optimizer state and targets in bfloat16 (pure bf16, no float32 master weights: cannot train).</summary>
    public bool Bf16 { get; init; }
    /// <summary>"fp32", "bf16" (mixed precision through <see cref="Autocast"/>, as training runs it) or "auto".</summary>
    public Precision Precision { get; init; } = Inference.Engines.Precision.Fp32;
    /// <summary>Skip clip_grad_norm_ (to see what it costs).</summary>
    public bool NoClip { get; init; }
    /// <summary>Attention-probability dropout 0 (libtorch's fused CPU attention kernel is used only without dropout).</summary>
    public bool AttentionDropout0 { get; init; }
    /// <summary>"onepass" (training's <see cref="Training.AdamW"/>), "torchsharp" (TorchSharp's own step over the same
    /// groups) or "lean" (<see cref="LeanAdamW"/>, same math in fewer tensor operations).</summary>
    public string AdamW { get; init; } = "onepass";

    /// <summary>Reads the options a benchmark accepts (the caller has checked them); absent ones keep their defaults.</summary>
    public static TrainStepSettings FromArgs(string[] args, int defaultSteps, int defaultWarmup) => new()
    {
        Arch = BenchData.Option(args, "--arch", "minilm"),
        Batch = BenchData.IntOption(args, "--batch", 32),
        Seq = BenchData.IntOption(args, "--seq", 128),
        Steps = BenchData.IntOption(args, "--steps", defaultSteps),
        Warmup = BenchData.IntOption(args, "--warmup", defaultWarmup),
        Threads = BenchData.IntOption(args, "--threads", 2),
        Pooling = LowercaseEnumConverter<PoolingMode>.Parse(BenchData.Option(args, "--pooling", "mean"), "--pooling"),
        Bf16 = BenchData.Flag(args, "--pure-bf16"),
        Precision = Precisions.Parse(BenchData.Option(args, "--precision", "fp32"), "--precision"),
        NoClip = BenchData.Flag(args, "--no-clip"),
        AttentionDropout0 = BenchData.Flag(args, "--attn-dropout0"),
        AdamW = BenchData.Option(args, "--adamw", "onepass"),
    };

    public string Describe() =>
        $"{Arch} {Batch}×{Seq}, {Threads} threads, pooling {LowercaseEnumConverter<PoolingMode>.Name(Pooling)}{(Bf16 ? ", pure bf16" : "")}{(Precision != Inference.Engines.Precision.Fp32 ? $", precision {ComputePrecision.Describe(Precision).Name()}" : "")}{(NoClip ? ", no clip" : "")}" +
        $"{(AttentionDropout0 ? ", attention dropout 0" : "")}{(AdamW != "onepass" ? $", {AdamW} AdamW" : "")}, {Steps} steps after {Warmup} warm-up";
}

/// <summary>Median time of a training step and of its phases (forward + loss, zero_grad + backward, clip, optimizer + read-back).</summary>
sealed record TrainStepResult(TrainStepSettings Settings, TimingStats Step, IReadOnlyDictionary<string, double> PhaseMedians,
                              long Parameters, double Flops, long PeakRssBytes, double FirstLoss, double LastLoss)
{
    public double GflopsPerSecond => Flops / Step.Median / 1e9;
}

/// <summary>
/// A fine-tuning step of our BertForMultiLabelClassification, timed: the same work as Trainer.TrainStep (forward,
/// BCE-with-logits loss, zero_grad, backward, clip_grad_norm_ 1.0, learning-rate update, AdamW step, read-back of the
/// probabilities and loss, all in one dispose scope), with the optimizer groups of OptimizerSetup. Random weights and
/// random ids without padding, like bench/python/bert_train_step.py.
/// </summary>
sealed class TrainStepBenchmark : IBenchmark
{
    public string Name => "train-step";
    public string Description =>
        "median time of a MiniLM training step [--batch 32] [--seq 128] [--steps 20] [--warmup 3] [--threads 2] " +
        "[--arch minilm|bert-base] [--pooling mean|cls] [--adamw onepass|torchsharp|lean] [--precision fp32|bf16|auto] [--pure-bf16] [--no-clip] [--attn-dropout0]";

    static readonly string[] Valued = ["--batch", "--seq", "--steps", "--warmup", "--threads", "--arch", "--pooling", "--adamw", "--precision"];
    static readonly string[] Flags = ["--pure-bf16", "--no-clip", "--attn-dropout0"];

    public int Run(string[] args)
    {
        BenchData.CheckOptions(args, Valued, Flags);
        var settings = TrainStepSettings.FromArgs(args, defaultSteps: 20, defaultWarmup: 3);
        var result = Measure(settings);
        Console.WriteLine($"train-step {settings.Describe()}");
        Console.WriteLine($"step: {result.Step}");
        Console.WriteLine("phases (median): " + string.Join(", ", result.PhaseMedians.Select(p => $"{p.Key} {p.Value:F3} s")));
        Console.WriteLine($"{result.Parameters:N0} parameters; {result.Flops / 1e9:F1} GFLOP per step (analytic) → {result.GflopsPerSecond:F1} GFLOP/s");
        Console.WriteLine($"loss {result.FirstLoss:G9} → {result.LastLoss:G9}; peak RSS {ProcessMemory.Megabytes(result.PeakRssBytes)}");
        return 0;
    }

    public static TrainStepResult Measure(TrainStepSettings s, TextWriter? progress = null)
    {
        progress ??= Console.Error;
        if (s.Batch < 1 || s.Seq < 1 || s.Seq > 512 || s.Steps < 1 || s.Warmup < 0)
            throw new ArgumentException("need --batch ≥ 1, 1 ≤ --seq ≤ 512, --steps ≥ 1, --warmup ≥ 0");
        if (s.AdamW is not ("onepass" or "torchsharp" or "lean")) throw new ArgumentException($"--adamw must be onepass, torchsharp or lean, got {s.AdamW}");
        TorchRuntime.SetThreads(s.Threads);
        ResetPeakRss();
        manual_seed(42);
        var config = BertWork.Config(s.Arch);
        config.Pooling = s.Pooling;
        if (s.AttentionDropout0) config.AttentionProbsDropoutProb = 0;
        var dtype = s.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        var computeType = ComputePrecision.Resolve(s.Precision);

        using var model = new BertForMultiLabelClassification(config, BertWork.Labels);
        model.InitializeWeights();
        if (s.Bf16) model.to(dtype);
        model.train();
        var options = new TrainingOptions { LearningRate = 2e-5, WeightDecay = 0.01, GradientClipNorm = 1.0, BatchSize = s.Batch, MaxTokens = s.Seq };
        var optimizer = new OptimizerSetup(model, options);
        using var lean = s.AdamW == "lean" ? new LeanAdamW(optimizer.Optimizer) : null;
        using var torchSharpAdamW = s.AdamW == "torchsharp" ? TorchSharpStep(optimizer.Optimizer) : null;

        var generator = new Generator(42);
        var (ids, mask, types) = BertWork.RandomInputs(s.Batch, s.Seq, config.VocabSize, generator);
        using var targets = randint(0, 2, [s.Batch, BertWork.Labels], dtype: ScalarType.Int64, generator: generator).to_type(dtype);

        var times = new List<double>();
        var phases = new Dictionary<string, List<double>> { ["forward"] = [], ["backward"] = [], ["clip"] = [], ["optimizer"] = [] };
        double firstLoss = double.NaN, lastLoss = double.NaN;
        for (int step = 0; step < s.Warmup + s.Steps; step++)
        {
            long t0 = Stopwatch.GetTimestamp(), t1, t2, t3, t4;
            using (NewDisposeScope())
            {
                // As Trainer.TrainStep (see the refactor proposed in BENCHMARKS.md to share this code).
                Tensor logits;
                using (Autocast.Enable(computeType)) logits = model.forward(ids, mask, types);
                var loss = BertForMultiLabelClassification.Loss(logits, targets);
                t1 = Stopwatch.GetTimestamp();
                optimizer.Optimizer.zero_grad();
                loss.backward();
                t2 = Stopwatch.GetTimestamp();
                if (!s.NoClip) nn.utils.clip_grad_norm_(optimizer.Parameters, options.GradientClipNorm);
                t3 = Stopwatch.GetTimestamp();
                optimizer.ScaleLearningRates(1.0);
                if (lean != null) lean.Step();
                else if (torchSharpAdamW != null) torchSharpAdamW.step();
                else optimizer.Optimizer.step();
                float[] probabilities = logits.detach().sigmoid().to_type(ScalarType.Float32).data<float>().ToArray();
                lastLoss = loss.to_type(ScalarType.Float32).item<float>();
                t4 = Stopwatch.GetTimestamp();
                GC.KeepAlive(probabilities);
            }
            if (step == 0) firstLoss = lastLoss;
            double seconds = Stopwatch.GetElapsedTime(t0, t4).TotalSeconds;
            progress.WriteLine($"{(step < s.Warmup ? "warm-up" : "step")} {step + 1}: {seconds:F3} s (loss {lastLoss:F4})");
            if (step < s.Warmup) continue;
            times.Add(seconds);
            phases["forward"].Add(Stopwatch.GetElapsedTime(t0, t1).TotalSeconds);
            phases["backward"].Add(Stopwatch.GetElapsedTime(t1, t2).TotalSeconds);
            phases["clip"].Add(Stopwatch.GetElapsedTime(t2, t3).TotalSeconds);
            phases["optimizer"].Add(Stopwatch.GetElapsedTime(t3, t4).TotalSeconds);
        }
        var result = new TrainStepResult(s, TimingStats.Of(times), phases.ToDictionary(p => p.Key, p => TimingStats.Of(p.Value).Median),
            model.ParameterCount, BertWork.TrainStepFlops(config, s.Batch, s.Seq), ProcessMemory.PeakRssBytes, firstLoss, lastLoss);
        ids.Dispose(); mask.Dispose(); types.Dispose();
        optimizer.Optimizer.Dispose();
        return result;
    }

    /// <summary>TorchSharp's own AdamW over the groups of <paramref name="groupsOf"/> (what training used before its one-pass step).</summary>
    static TorchSharp.Modules.AdamW TorchSharpStep(TorchSharp.Modules.AdamW groupsOf) =>
        optim.AdamW(groupsOf.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>().Select(g =>
            new TorchSharp.Modules.AdamW.ParamGroup(g.Parameters, new TorchSharp.Modules.AdamW.Options
            {
                LearningRate = g.LearningRate, weight_decay = g.Options.weight_decay, beta1 = g.Options.beta1, beta2 = g.Options.beta2, eps = g.Options.eps,
            })));

    /// <summary>Resets the kernel's peak-RSS mark (Linux: "5" into /proc/self/clear_refs), so each measurement in one
    /// process (compare) reports its own peak rather than the largest so far.</summary>
    static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
