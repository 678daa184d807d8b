using System.Text;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.NGram;

/// <summary>
/// A seeded CSV of comments made of the tiny model's words, labelled by rule (toxic: "hate" or "rude" or an insult;
/// insult: "ugly"; threat: "angry"), with 1 % of the labels flipped so no model is perfect: data an n-gram model
/// learns in a second and a test can reason about.
/// </summary>
public static class SyntheticComments
{
    static readonly string[] Filler = [.. TinyModelDirectory.Words.Except(["hate", "rude", "ugly", "angry"]),
                                       .. Enumerable.Range(0, 40).Select(i => $"w{i}")];

    public static string Write(string path, int rows, int seed = 3)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("id,comment_text," + string.Join(",", TinyModelFixture.Labels) + "\n");
        for (int r = 0; r < rows; r++)
        {
            var words = Enumerable.Range(0, random.Next(3, 12)).Select(_ => Filler[random.Next(Filler.Length)]).ToList();
            bool insult = random.NextDouble() < 0.2, threat = random.NextDouble() < 0.15;
            bool toxic = insult || random.NextDouble() < 0.25;
            if (toxic && !insult) words.Insert(random.Next(words.Count + 1), random.Next(2) == 0 ? "hate" : "rude");
            if (insult) words.Insert(random.Next(words.Count + 1), "ugly");
            if (threat) words.Insert(random.Next(words.Count + 1), "angry");
            int Flip(bool value) => (random.NextDouble() < 0.01 ? !value : value) ? 1 : 0;
            csv.Append($"c{r},{string.Join(' ', words)},{Flip(toxic)},{Flip(insult)},{Flip(threat)}\n");
        }
        File.WriteAllText(path, csv.ToString());
        return path;
    }
}

/// <summary>An n-gram model trained by the CLI on 800 synthetic comments, with a tune split, and its tagger.</summary>
public sealed class NGramModelFixture : IDisposable
{
    readonly TempFolder _folder = new();

    public NGramModelFixture()
    {
        Data = SyntheticComments.Write(_folder.Combine("comments.csv"), 800);
        Run = _folder.Combine("run");
        Training = CliRunner.Run("train", "--model", "ngram", "--data", Data, "--out", Run, "--val-fraction", "0.2", "--tune-fraction", "0.2",
                                 "--balance", "100000");
        if (Training.ExitCode != 0) throw new InvalidOperationException($"n-gram training failed: {Training.Error}");
        Tagger = TextTagger.Inference.Tagger.Load(Model);
    }

    public string Data { get; }
    public string Run { get; }
    public string Model => Path.Combine(Run, "model");
    public string Validation => Path.Combine(Run, "validation.csv");
    public string Tune => Path.Combine(Run, "tune.csv");
    public CliRunner.Result Training { get; }
    public TextTagger.Inference.Tagger Tagger { get; }

    public string Combine(params string[] parts) => _folder.Combine(parts);

    public void Dispose()
    {
        Tagger.Dispose();
        _folder.Dispose();
    }
}
