using TextTagger.Worker;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Inference.Explaining;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger explain --model DIR [--label L] "text" …`: the probabilities and the words that drove each
/// label, marked in the text (colour on a terminal, [brackets] when redirected), or everything as JSON.</summary>
static class ExplainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A trained or exported model directory", Required = true };
        var texts = new Argument<string[]>("texts") { Description = "Texts to explain", Arity = ArgumentArity.OneOrMore };
        var label = new Option<string?>("--label", "-l") { Description = "Explain this label (default: each predicted tag, else the most probable label)" };
        var top = new Option<int>("--top") { Description = "Words to mark per label", DefaultValueFactory = _ => 3 };
        var format = new Option<string>("--format", "-f") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var engine = TextTagger.Worker.SharedOptions.Engine();
        var command = new Command("explain", "Show which words raised each label's probability (occlusion: the text scored without each word).");
        command.Arguments.Add(texts);
        foreach (var option in new Option[] { model, label, top, format, engine }) command.Options.Add(option);
        var longTexts = new LongTextOptions();
        longTexts.AddTo(command);
        command.SetAction(parse =>
        {
            var (longMode, stride) = longTexts.Read(parse);
            if (parse.GetValue(top) < 1) throw new TextTaggerException($"--top must be at least 1, got {parse.GetValue(top)}");
            using var tagger = Tagger.Load(new TaggerOptions { ModelPath = parse.GetValue(model)!, Engine = EngineKinds.Parse(parse.GetValue(engine)!), LongTexts = longMode, WindowStride = stride });
            string? chosen = parse.GetValue(label);
            if (chosen != null) LabelLookup.IndexOf(tagger.Labels, chosen);   // an unknown label is an error before any scoring
            var explanations = parse.GetValue(texts)!.Select(t => tagger.Explain(t, chosen != null ? [chosen] : null)).ToArray();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "json") WriteJson(output, tagger.Labels, explanations);
            else
            {
                bool colour = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
                foreach (var e in explanations) WriteText(output, e, chosen, parse.GetValue(top), colour);
            }
            return 0;
        });
        return command;
    }

    static void WriteText(TextWriter output, Explanation e, string? chosen, int top, bool colour)
    {
        var c = CultureInfo.InvariantCulture;
        var p = e.Prediction;
        output.WriteLine(string.Join("  ", e.Labels.Select((l, i) => string.Create(c, $"{l} {p.Probabilities[i]:0.000}"))) +
                         (p.Tags.Count > 0 ? $"  → {string.Join("|", p.Tags)}" : "  → no tags"));
        var labels = chosen != null ? [chosen]
            : p.Tags.Count > 0 ? p.Tags
            : [e.Labels[Enumerable.Range(0, e.Labels.Count).MaxBy(i => p.Probabilities[i])]];
        foreach (var label in labels)
        {
            var words = e.TopWords(label, top);
            output.WriteLine($"  {label}: " + (words.Count == 0 ? "no word raises it"
                : string.Join(", ", words.Select(w => string.Create(c, $"{w.Text} (+{w.Scores[e.LabelIndex(label)]:0.000})")))));
            output.WriteLine("    " + Marked(e.Text, words, colour));
        }
        if (e.Truncated) output.WriteLine($"  (the text is longer than the model's token limit: only its first {e.Words.Count} words were read and scored)");
        output.WriteLine();
    }

    static string Marked(string text, IReadOnlyList<WordAttribution> words, bool colour)
    {
        var marked = new StringBuilder();
        int at = 0;
        foreach (var w in words.OrderBy(w => w.Start))
        {
            marked.Append(text, at, w.Start - at);
            marked.Append(colour ? "\u001b[1;31m" : "[").Append(text, w.Start, w.Length).Append(colour ? "\u001b[0m" : "]");
            at = w.Start + w.Length;
        }
        return marked.Append(text, at, text.Length - at).ToString().ReplaceLineEndings(" ");
    }

    static void WriteJson(TextWriter output, IReadOnlyList<string> labels, IReadOnlyList<Explanation> explanations)
    {
        var json = new
        {
            labels,
            explanations = explanations.Select(e => new
            {
                text = e.Text,
                probabilities = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => e.Prediction.Probabilities[x.i]),
                tags = e.Prediction.Tags,
                truncated = e.Truncated,
                words = e.Words.Select(w => new
                {
                    text = w.Text, start = w.Start, length = w.Length, alone = w.Alone,
                    scores = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => w.Scores[x.i]),
                }),
            }),
        };
        output.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
    }
}
