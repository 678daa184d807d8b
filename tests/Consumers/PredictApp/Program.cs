using System.Globalization;
using TextTagger.Inference;

// dotnet PredictApp.dll MODEL_DIR "text" …: one line per text, the probabilities in label order, then the tags.
using var tagger = Tagger.Load(new TaggerOptions { ModelPath = args[0] });
await foreach (var p in tagger.PredictAsync(Texts(args[1..])))
    Console.WriteLine($"{string.Join(",", p.Probabilities.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))} [{string.Join(",", p.Tags)}]");

static async IAsyncEnumerable<string> Texts(string[] texts)
{
    foreach (var text in texts)
    {
        await Task.Yield();   // a stream, as from a file or a queue
        yield return text;
    }
}
