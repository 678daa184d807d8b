using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using TextTagger.Data;
using TextTagger.Guardrails;
using TextTagger.Inference;
using TextTagger.Tests.Guardrails;

namespace TextTagger.Bench.Benchmarks;

/// <summary>
/// What the guardrails cost and what a streamed cut shows. Latency: real comments of ~60 and ~2,000 characters sent
/// through <c>UseTextTagger</c> (input rule) to a scripted LLM that answers at once, minus the same call without the
/// guard. Cut: held-out toxic comments streamed word by word as the answer, after a clean held-out comment; the
/// characters of the blocked stretch the caller received before the cut (what a user may have seen).
/// </summary>
sealed class GuardrailsBenchmark : IBenchmark
{
    public string Name => "guardrails";
    public string Description => "ms added per message (short ~60, long ~2,000 chars) and characters exposed before a streamed cut --models DIR1,DIR2 --held-out validation.csv [--messages 40] [--answers 100] [--threads 2]";

    public int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    static async Task<int> RunAsync(string[] args)
    {
        BenchData.CheckOptions(args, ["--models", "--held-out", "--messages", "--answers", "--threads", "--data"], []);
        var models = BenchData.Option(args, "--models", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string heldOut = BenchData.Option(args, "--held-out", "");
        if (models.Length == 0 || heldOut.Length == 0) throw new ArgumentException("give --models DIR1,DIR2 and --held-out FILE.csv");
        int messages = BenchData.IntOption(args, "--messages", 40), answers = BenchData.IntOption(args, "--answers", 100);
        int threads = BenchData.IntOption(args, "--threads", 2);
        var comments = BenchData.ReadComments(BenchData.Option(args, "--data", BenchData.DefaultCsv()));
        var shortTexts = comments.Where(t => t.Length is >= 50 and <= 70).Take(messages).ToArray();
        var longTexts = comments.Where(t => t.Length is >= 1800 and <= 2200).Take(messages).ToArray();
        var held = CsvDatasetReader.Load(heldOut);
        var c = CultureInfo.InvariantCulture;

        Console.WriteLine($"guardrails: {shortTexts.Length} short ({shortTexts.Average(t => t.Length):F0} chars mean) and {longTexts.Length} long " +
                          $"({longTexts.Average(t => t.Length):F0} chars mean) messages, {threads} threads");
        Console.WriteLine("| model | engine | message | added ms (median) | p90 |");
        Console.WriteLine("|---|---|---|---|---|");
        var cuts = new List<string>();
        foreach (var model in models)
        {
            using var tagger = Tagger.Load(new TaggerOptions { ModelPath = model, Threads = threads });
            string label = tagger.Labels.Contains("toxic") ? "toxic" : tagger.Labels[0];
            foreach (var (name, texts) in new[] { ("short", shortTexts), ("long", longTexts) })
            {
                var added = await AddedMilliseconds(tagger, label, texts);
                Console.WriteLine(string.Create(c, $"| {model} | {tagger.EngineName} | {name} | {added.Median:F1} | {added.P90:F1} |"));
            }
            cuts.Add(await Cut(model, tagger, label, held, answers, c));
        }
        Console.WriteLine();
        Console.WriteLine("| model | answers cut | cut in the clean prefix | exposed chars of the blocked stretch: median | p90 | max | chars of the toxic comment shown: median | p90 | max |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var line in cuts) Console.WriteLine(line);
        return 0;
    }

    /// <summary>Per message: the guarded call's time minus the bare call's, in ms.</summary>
    static async Task<TimingStats> AddedMilliseconds(Tagger tagger, string label, string[] texts)
    {
        var inner = new ScriptedChatClient("");
        var guarded = new TextTaggerChatClient(inner, tagger, new GuardrailPolicy().Flag(GuardrailDirection.Input, label));
        for (int i = 0; i < 5; i++) await guarded.GetResponseAsync([new ChatMessage(ChatRole.User, texts[i])]);   // warm-up
        var added = new List<double>();
        foreach (var text in texts)
        {
            ChatMessage[] message = [new(ChatRole.User, text)];
            long start = Stopwatch.GetTimestamp();
            await inner.GetResponseAsync(message);
            double bare = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            await guarded.GetResponseAsync(message);
            added.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds - bare);
        }
        return TimingStats.Of(added);
    }

    /// <summary>Held-out toxic comments, each after a clean held-out comment, streamed a word per update under an
    /// output Block rule at the model's threshold (sentence boundaries, nothing held back).</summary>
    static async Task<string> Cut(string model, Tagger tagger, string label, LabeledDataset held, int answers, CultureInfo c)
    {
        int column = held.LabelNames.ToList().IndexOf(label);
        var toxic = held.Rows.Where(r => r.Labels[column] == 1 && r.Text.Length is >= 40 and <= 1000).Take(answers).ToArray();
        var clean = held.Rows.Where(r => !r.IsTagged && r.Text.Length is >= 100 and <= 400).Take(answers).ToArray();
        var policy = new GuardrailPolicy().Block(GuardrailDirection.Output, label);
        List<double> exposed = [], shown = [];
        int cut = 0, early = 0;
        for (int i = 0; i < toxic.Length; i++)
        {
            string prefix = clean[i % clean.Length].Text.TrimEnd() + "\n";
            var words = (prefix + toxic[i].Text).Split(' ');
            var inner = new ScriptedChatClient([.. words.Select((w, k) => k < words.Length - 1 ? w + " " : w)]);
            int received = 0;
            try
            {
                await foreach (var update in new TextTaggerChatClient(inner, tagger, policy).GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
                    received += update.Text.Length;
            }
            catch (GuardrailBlockedException blocked)
            {
                cut++;
                if (received < prefix.Length) early++;
                exposed.Add(blocked.ExposedCharacters);
                shown.Add(Math.Max(0, received - prefix.Length));
            }
        }
        var e = TimingStats.Of(exposed);
        var s = TimingStats.Of(shown);
        return string.Create(c, $"| {model} | {cut}/{toxic.Length} | {early} | {e.Median:F0} | {e.P90:F0} | {(exposed.Count > 0 ? exposed.Max() : 0):F0} | " +
                                $"{s.Median:F0} | {s.P90:F0} | {(shown.Count > 0 ? shown.Max() : 0):F0} |");
    }
}
