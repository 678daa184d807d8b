using System.Globalization;
using TextTagger.Inference;

namespace TextTagger.Bench.Benchmarks;

/// <summary>Time of one explanation (occlusion: one scoring per word, batched) of real comments of about 100 words,
/// on each model directory given (trained weights run on TorchSharp, an export on ONNX Runtime).</summary>
sealed class ExplainBenchmark : IBenchmark
{
    public string Name => "explain";
    public string Description => "seconds per explanation of ~100-word comments [--models DIR1,DIR2 (default: runs/main/model,runs/main/onnx-int8)] [--texts 10] [--threads 2]";

    public int Run(string[] args)
    {
        BenchData.CheckOptions(args, ["--models", "--texts", "--threads", "--data"], []);
        string root = BenchData.RepositoryRoot();
        var models = BenchData.Option(args, "--models", $"{root}/runs/main/model,{root}/runs/main/onnx-int8").Split(',');
        int count = BenchData.IntOption(args, "--texts", 10), threads = BenchData.IntOption(args, "--threads", 2);
        TorchRuntime.SetThreads(threads);
        var texts = BenchData.ReadComments(BenchData.Option(args, "--data", BenchData.DefaultCsv()))
            .Where(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is >= 90 and <= 110).Take(count).ToArray();
        Console.WriteLine($"explain: {texts.Length} comments of 90-110 words, {threads} threads");
        Console.WriteLine("| model | engine | words scored (mean) | s per explanation (median) | p90 |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var model in models)
        {
            using var tagger = Tagger.Load(new TaggerOptions { ModelPath = model, Threads = threads });
            tagger.Explain(texts[0]);   // warm-up
            var seconds = new List<double>();
            double words = 0;
            foreach (var text in texts)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                words += tagger.Explain(text).Words.Count;
                seconds.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            var stats = TimingStats.Of(seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {model} | {tagger.EngineName} {tagger.Precision.ToString().ToLowerInvariant()} | {words / texts.Length:F0} | {stats.Median:F2} | {stats.P90:F2} |"));
        }
        return 0;
    }
}
