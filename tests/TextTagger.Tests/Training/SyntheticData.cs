using System.Text;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Training;

/// <summary>A CSV whose labels follow a rule a tiny BERT can learn: "rude" present → rude; "hate" present → hateful.</summary>
static class SyntheticData
{
    public static readonly string[] Labels = ["rude", "hateful"];

    public static string Write(string path, int rows, int seed = 1)
    {
        var random = new Random(seed);
        var filler = Enumerable.Range(0, 60).Select(i => $"w{i}").Concat(["good", "nice", "kind", "calm", "happy"]).ToArray();
        var csv = new StringBuilder("id,comment_text,rude,hateful\n");
        for (int i = 0; i < rows; i++)
        {
            var words = Enumerable.Range(0, random.Next(3, 20)).Select(_ => filler[random.Next(filler.Length)]).ToList();
            bool rude = random.NextDouble() < 0.3, hateful = random.NextDouble() < 0.2;
            if (rude) words.Insert(random.Next(words.Count + 1), "rude");
            if (hateful) words.Insert(random.Next(words.Count + 1), "hate");
            csv.Append($"r{i},\"{string.Join(' ', words)}\",{(rude ? 1 : 0)},{(hateful ? 1 : 0)}\n");
        }
        File.WriteAllText(path, csv.ToString());
        return path;
    }
}
