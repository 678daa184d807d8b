using System.Globalization;
using TextTagger.Data;
using TextTagger.Inference;
using TextTagger.Inference.Explaining;

namespace TextTagger.Bench.Benchmarks;

/// <summary>
/// ERASER's comprehensiveness and sufficiency of the explanations, per label, on validation rows that carry the label:
/// delete the top 20 % of words by attribution vs 20 % at random (how much of the label's probability goes), and keep
/// only those words (how much stays).
/// </summary>
sealed class FaithfulnessBenchmark : IBenchmark
{
    public string Name => "faithfulness";
    public string Description => "comprehensiveness and sufficiency of explain, per label [--model DIR (runs/main/onnx-int8)] [--data CSV (runs/main/validation.csv)] [--per-label 30] [--share 0.2] [--min-words 5] [--max-words 80] [--max-passes 40: explain's budget]";

    public int Run(string[] args)
    {
        BenchData.CheckOptions(args, ["--model", "--data", "--per-label", "--share", "--min-words", "--max-words", "--max-passes"], []);
        string root = BenchData.RepositoryRoot();
        using var tagger = Tagger.Load(BenchData.Option(args, "--model", $"{root}/runs/main/onnx-int8"));
        var data = CsvDatasetReader.Load(BenchData.Option(args, "--data", $"{root}/runs/main/validation.csv"));
        int perLabel = BenchData.IntOption(args, "--per-label", 30), maxWords = BenchData.IntOption(args, "--max-words", 80);
        int minWords = BenchData.IntOption(args, "--min-words", 5), maxPasses = BenchData.IntOption(args, "--max-passes", OcclusionExplainer.DefaultMaxPasses);
        double share = double.Parse(BenchData.Option(args, "--share", "0.2"), CultureInfo.InvariantCulture);
        var random = new Random(17);
        Console.WriteLine($"faithfulness: {tagger.Source}; up to {perLabel} validation rows per label ({minWords}-{maxWords} words), explain budget {maxPasses} passes, top/random {share:P0} of words");
        Console.WriteLine("| label | rows | p | p − p(without top) | p − p(without random) | ratio | p(only top) | p(only random) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        for (int l = 0; l < tagger.Labels.Count; l++)
        {
            string label = tagger.Labels[l];
            int column = data.LabelNames.ToList().IndexOf(label);
            var rows = data.Rows.Where(r => r.Labels[column] == 1 && TextWords.Split(r.Text).Count is var n && n >= minWords && n <= maxWords)
                .Take(perLabel).ToArray();
            double p = 0, topDrop = 0, randomDrop = 0, onlyTop = 0, onlyRandom = 0;
            foreach (var row in rows)
            {
                var probe = FaithfulnessProbe.Measure(tagger, OcclusionExplainer.Explain(tagger, row.Text, maxPasses: maxPasses), label, share, random);
                p += probe.Probability;
                topDrop += probe.TopDrop;
                randomDrop += probe.RandomDrop;
                onlyTop += probe.OnlyTop;
                onlyRandom += probe.OnlyRandom;
            }
            int count = Math.Max(1, rows.Length);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {rows.Length} | {p / count:F3} | {topDrop / count:F3} | {randomDrop / count:F3} | " +
                $"{(randomDrop > 1e-3 ? (topDrop / randomDrop).ToString("F1", CultureInfo.InvariantCulture) : "∞ (random ≤ 0)")} | {onlyTop / count:F3} | {onlyRandom / count:F3} |"));
        }
        return 0;
    }
}
