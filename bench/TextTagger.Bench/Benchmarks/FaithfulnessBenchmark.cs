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
    public string Description => "comprehensiveness and sufficiency of explain, per label [--model DIR (runs/main/onnx-int8)] [--data CSV (runs/main/validation.csv)] [--per-label 30] [--share 0.2]";

    public int Run(string[] args)
    {
        BenchData.CheckOptions(args, ["--model", "--data", "--per-label", "--share", "--max-words"], []);
        string root = BenchData.RepositoryRoot();
        using var tagger = Tagger.Load(BenchData.Option(args, "--model", $"{root}/runs/main/onnx-int8"));
        var data = CsvDatasetReader.Load(BenchData.Option(args, "--data", $"{root}/runs/main/validation.csv"));
        int perLabel = BenchData.IntOption(args, "--per-label", 30), maxWords = BenchData.IntOption(args, "--max-words", 80);
        double share = double.Parse(BenchData.Option(args, "--share", "0.2"), CultureInfo.InvariantCulture);
        var random = new Random(17);
        Console.WriteLine($"faithfulness: {tagger.Source}; up to {perLabel} validation rows per label (≤ {maxWords} words), top/random {share:P0} of words");
        Console.WriteLine("| label | rows | p | p − p(without top) | p − p(without random) | ratio | p(only top) | p(only random) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        for (int l = 0; l < tagger.Labels.Count; l++)
        {
            string label = tagger.Labels[l];
            int column = data.LabelNames.ToList().IndexOf(label);
            var rows = data.Rows.Where(r => r.Labels[column] == 1 && TextWords.Split(r.Text).Count is >= 5 and var n && n <= maxWords)
                .Take(perLabel).ToArray();
            double p = 0, withoutTop = 0, withoutRandom = 0, onlyTop = 0, onlyRandom = 0;
            foreach (var row in rows)
            {
                var e = tagger.Explain(row.Text);
                int k = Math.Max(1, (int)Math.Round(share * e.Words.Count));
                var top = Enumerable.Range(0, e.Words.Count).OrderByDescending(i => e.Words[i].Scores[l]).Take(k).ToHashSet();
                var chance = Enumerable.Range(0, e.Words.Count).OrderBy(_ => random.Next()).Take(k).ToHashSet();
                string Keep(Func<int, bool> keep) => string.Join(' ', Enumerable.Range(0, e.Words.Count).Where(keep).Select(i => e.Words[i].Text));
                var scored = tagger.PredictProbabilities([Keep(i => !top.Contains(i)), Keep(i => !chance.Contains(i)),
                                                          Keep(top.Contains), Keep(chance.Contains)]);
                double own = e.Prediction.Probabilities[l];
                p += own;
                withoutTop += own - scored[0, l];
                withoutRandom += own - scored[1, l];
                onlyTop += scored[2, l];
                onlyRandom += scored[3, l];
            }
            int count = Math.Max(1, rows.Length);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {rows.Length} | {p / count:F3} | {withoutTop / count:F3} | {withoutRandom / count:F3} | " +
                $"{withoutTop / Math.Max(withoutRandom, 1e-9):F1} | {onlyTop / count:F3} | {onlyRandom / count:F3} |"));
        }
        return 0;
    }
}
