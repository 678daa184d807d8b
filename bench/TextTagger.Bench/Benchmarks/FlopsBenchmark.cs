using TextTagger.Modeling;
using static TorchSharp.torch;

namespace TextTagger.Bench.Benchmarks;

/// <summary>One row of the flops table.</summary>
sealed record FlopsRow(string Work, double Flops, TimingStats Time)
{
    public double GflopsPerSecond => Flops / Time.Median / 1e9;
}

/// <summary>
/// How close a training step comes to the machine's matrix-product speed: the achieved GFLOP/s of a train-step
/// (FLOPs counted analytically, see <see cref="BertWork.ForwardFlops"/>) against one large fp32 matrix product
/// (n × n × n, libtorch's sgemm) and against the step's own matrix-product shapes run alone (forward shapes: tokens ×
/// hidden times hidden × hidden, × intermediate, and intermediate × hidden; attention's batched QKᵀ).
/// </summary>
sealed class FlopsBenchmark : IBenchmark
{
    public string Name => "flops";
    public string Description =>
        "achieved GFLOP/s of a training step vs a large sgemm and the step's own GEMM shapes [--batch 32] [--seq 128] " +
        "[--steps 5] [--warmup 2] [--threads 2] [--arch minilm|bert-base] [--n 4096] [--reps 3] [--pure-bf16]";

    static readonly string[] Valued = ["--batch", "--seq", "--steps", "--warmup", "--threads", "--arch", "--n", "--reps"];
    static readonly string[] Flags = ["--pure-bf16"];

    public int Run(string[] args)
    {
        BenchData.CheckOptions(args, Valued, Flags);
        var settings = TrainStepSettings.FromArgs(args, defaultSteps: 5, defaultWarmup: 2);
        int n = BenchData.IntOption(args, "--n", 4096);
        int reps = BenchData.IntOption(args, "--reps", 3);
        var rows = Measure(settings, n, reps);
        Console.WriteLine($"flops: train-step {settings.Describe()}; sgemm {n}³, {reps} reps");
        Console.WriteLine(Table(rows));
        return 0;
    }

    public static string Table(IReadOnlyList<FlopsRow> rows)
    {
        double peak = rows.Where(r => r.Work.StartsWith("sgemm") || r.Work.StartsWith("bf16 gemm")).Select(r => r.GflopsPerSecond).DefaultIfEmpty(double.NaN).Max();
        var text = new System.Text.StringBuilder();
        text.AppendLine("| work | GFLOP | median time (s) | GFLOP/s | vs large GEMM |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var r in rows)
            text.AppendLine($"| {r.Work} | {r.Flops / 1e9:G4} | {r.Time.Median:F4} | {r.GflopsPerSecond:F1} | {r.GflopsPerSecond / peak:P0} |");
        return text.ToString().TrimEnd();
    }

    public static IReadOnlyList<FlopsRow> Measure(TrainStepSettings settings, int n, int reps, TextWriter? progress = null)
    {
        progress ??= Console.Error;
        var rows = new List<FlopsRow>();
        var step = TrainStepBenchmark.Measure(settings, progress);
        rows.Add(new FlopsRow($"train step {settings.Batch}×{settings.Seq}{(settings.Bf16 ? " bf16" : "")} (analytic FLOPs)", step.Flops, step.Step));

        TorchRuntime.SetThreads(settings.Threads);
        var dtype = settings.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        var config = BertWork.Config(settings.Arch);
        long tokens = (long)settings.Batch * settings.Seq, h = config.HiddenSize, inter = config.IntermediateSize;
        long heads = config.NumAttentionHeads, headDim = config.HeadDim;

        rows.Add(Gemm($"{(settings.Bf16 ? "bf16 gemm" : "sgemm")} {n}×{n}×{n}", n, n, n, dtype, reps, progress));
        rows.Add(Gemm($"tokens×hidden·hidden×hidden ({tokens}×{h}×{h})", tokens, h, h, dtype, Math.Max(reps, 10), progress));
        rows.Add(Gemm($"tokens×hidden·hidden×inter ({tokens}×{h}×{inter})", tokens, h, inter, dtype, Math.Max(reps, 10), progress));
        rows.Add(Gemm($"tokens×inter·inter×hidden ({tokens}×{inter}×{h})", tokens, inter, h, dtype, Math.Max(reps, 10), progress));
        using (NewDisposeScope())
        {
            long b = settings.Batch * heads, seq = settings.Seq;
            var q = randn([b, seq, headDim], dtype: dtype);
            var k = randn([b, headDim, seq], dtype: dtype);
            var time = TimingStats.Measure(2, Math.Max(reps, 10), () => { using var _ = q.bmm(k); });
            var row = new FlopsRow($"attention QKᵀ bmm ({b}×{seq}×{headDim}×{seq})", 2.0 * b * seq * seq * headDim, time);
            progress.WriteLine($"{row.Work}: {row.GflopsPerSecond:F1} GFLOP/s");
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>[m, k] · [k, n] as nn.functional.linear does it in the model (weight stored [n, k]).</summary>
    static FlopsRow Gemm(string work, long m, long k, long n, ScalarType dtype, int reps, TextWriter progress)
    {
        using var scope = NewDisposeScope();
        var a = randn([m, k], dtype: dtype);
        var w = randn([n, k], dtype: dtype);
        var time = TimingStats.Measure(1, reps, () => { using var _ = nn.functional.linear(a, w); });
        var row = new FlopsRow(work, 2.0 * m * k * n, time);
        progress.WriteLine($"{work}: {row.GflopsPerSecond:F1} GFLOP/s");
        return row;
    }
}
