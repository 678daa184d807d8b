using System.Diagnostics;
using System.Globalization;
using TextTagger.Inference;

namespace TextTagger.Bench.Benchmarks;

/// <summary>
/// What a model directory costs to score a file, against the first one given (say an ensemble against its int8
/// transformer alone): each loaded once through <see cref="Tagger"/> (load time shown apart), warmed up, then the
/// whole file scored by each in turn, A B A B …, and the ratio taken run by run, so drift on a shared machine cancels.
/// Process start-up and JIT are not in it; `farm-bench` on `predict` gives the whole-process figure.
/// </summary>
sealed class ModelsCostBenchmark : IBenchmark
{
    public string Name => "models";
    public string Description =>
        "texts/s of model directories on one file, paired runs, ratio to the first --models BASE,DIR… " +
        "[--data CSV (default: runs/main/validation.csv)] [--runs 5] [--threads 0 (all cores)]";

    public int Run(string[] args)
    {
        BenchData.CheckOptions(args, ["--models", "--data", "--runs", "--threads"], []);
        var models = BenchData.Option(args, "--models", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (models.Length < 2) throw new ArgumentException("give --models BASE,DIR (two or more model directories)");
        string csv = BenchData.Option(args, "--data", Path.Combine(BenchData.RepositoryRoot(), "runs", "main", "validation.csv"));
        int runs = BenchData.IntOption(args, "--runs", 5), threads = BenchData.IntOption(args, "--threads", 0);
        var texts = BenchData.ReadComments(csv);
        var c = CultureInfo.InvariantCulture;

        var taggers = new List<Tagger>();
        var loadSeconds = new List<double>();
        try
        {
            foreach (var model in models)
            {
                long start = Stopwatch.GetTimestamp();
                taggers.Add(Tagger.Load(new TaggerOptions { ModelPath = model, Threads = threads }));
                loadSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            foreach (var tagger in taggers) tagger.PredictLogits(texts);   // warm-up: JIT, arenas, caches
            var seconds = models.Select(_ => new List<double>()).ToArray();
            for (int run = 0; run < runs; run++)
                for (int m = 0; m < taggers.Count; m++)
                {
                    long start = Stopwatch.GetTimestamp();
                    taggers[m].PredictLogits(texts);
                    seconds[m].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                }

            Console.WriteLine($"models: {texts.Length:N0} texts of {csv}, {runs} paired runs after one warm-up, threads {(threads == 0 ? "all cores" : threads)}");
            Console.WriteLine("| model | engine | load s | texts/s (median) | × the first (median of paired ratios) | min–max ratio |");
            Console.WriteLine("|---|---|---|---|---|---|");
            for (int m = 0; m < taggers.Count; m++)
            {
                var ratios = seconds[m].Zip(seconds[0], (a, b) => a / b).ToArray();
                var ratio = TimingStats.Of(ratios);
                Console.WriteLine(string.Create(c, $"| {models[m]} | {taggers[m].EngineName} | {loadSeconds[m]:F2} | " +
                    $"{texts.Length / TimingStats.Of(seconds[m]).Median:F1} | {ratio.Median:F3} | {ratios.Min():F3}–{ratios.Max():F3} |"));
            }
            return 0;
        }
        finally
        {
            foreach (var tagger in taggers) tagger.Dispose();
        }
    }
}
