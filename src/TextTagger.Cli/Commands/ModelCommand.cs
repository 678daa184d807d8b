using TextTagger.Inference.Engines;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TextTagger.Modeling.Pretrained;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger model info [--model minilm|DIR]`: architecture, parameter count and where the weights came from.</summary>
static class ModelCommand
{
    public static Command Create()
    {
        var model = new Command("model", "Inspect pre-trained and fine-tuned models.");
        model.Subcommands.Add(CreateInfo());
        return model;
    }

    static Command CreateInfo()
    {
        var modelOption = new Option<string>("--model", "-m")
        {
            Description = "\"minilm\" (the bundled all-MiniLM-L6-v2), \"arctic-xs\" (the bundled snowflake-arctic-embed-xs) or a Hugging Face BERT directory",
            DefaultValueFactory = _ => BundledMiniLm.Name,
        };
        var info = new Command("info", "Show a model's architecture, parameter count and where its weights came from.");
        info.Options.Add(modelOption);
        info.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string name = parse.GetValue(modelOption)!;
            if (Directory.Exists(name) && (File.Exists(Path.Combine(name, TextTagger.NGram.NGramFiles.FileName)) ||
                                           File.Exists(Path.Combine(name, TextTagger.Ensembles.EnsembleFiles.FileName))))
            {
                PrintComposite(name, output);
                return 0;
            }
            if (Directory.Exists(name) && ModelDirectory.Open(name) is { WeightsPath: null, OnnxPath: not null } exported)
            {
                PrintExported(exported, output);
                return 0;
            }
            using var loaded = PretrainedModel.Load(name);
            foreach (var warning in loaded.Warnings) error.WriteLine($"warning: {warning}");
            Print(loaded, output);
            return 0;
        });
        return info;
    }

    /// <summary>An exported directory: what config.json says, and what the ONNX graph holds.</summary>
    static void PrintExported(ModelDirectory files, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        using var engine = OnnxRuntimeEngine.Open(files.OnnxPath!, files.Labels.Count);
        output.WriteLine(string.Create(c, $"architecture:  {files.Config.Describe()}"));
        output.WriteLine($"labels:        {string.Join(", ", files.Labels)}");
        if (files.Thresholds != null)
            output.WriteLine("thresholds:    " + string.Join(", ", files.Thresholds.Labels.Select(r => r.Describe())));
        output.WriteLine(string.Create(c, $"model:         {files.OnnxPath} ({new FileInfo(files.OnnxPath!).Length / 1048576.0:F1} MB, {engine.Precision.Name()}), runs on ONNX Runtime"));
        output.WriteLine($"vocabulary:    {files.VocabPath} ({(files.DoLowerCase ? "lower-cased" : "cased")})");
    }

    /// <summary>An n-gram model or an ensemble: what scores it, labels, thresholds, and an ensemble's members and weights.</summary>
    static void PrintComposite(string directory, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        using var tagger = TextTagger.Inference.Tagger.Load(directory);
        output.WriteLine($"model:         {tagger.Source}");
        output.WriteLine($"runs on:       {tagger.EngineName}" + (tagger.MaxTokens is int limit ? $", up to {limit} tokens" : ", whole texts"));
        output.WriteLine($"labels:        {string.Join(", ", tagger.Labels)}");
        output.WriteLine("thresholds:    " + string.Join(", ", tagger.Labels.Select((l, i) => tagger.Rules?.Find(l)?.Describe() ?? string.Create(c, $"{l} {tagger.Thresholds[i]:0.###}"))));
        if (File.Exists(Path.Combine(directory, TextTagger.Ensembles.EnsembleFiles.FileName)))
        {
            var ensemble = TextTagger.Ensembles.EnsembleFiles.Read(directory);
            for (int m = 0; m < ensemble.Members.Count; m++)
                output.WriteLine($"member {m + 1}:      {ensemble.Members[m].Path} (from {ensemble.Members[m].Source})");
            output.WriteLine($"weights:       {ensemble.TunedOn.Weighting}, fit on {ensemble.TunedOn.File} ({ensemble.TunedOn.Rows:N0} rows): " +
                             string.Join("; ", ensemble.Labels.Select(l => $"{l} " + string.Join("/", ensemble.Weights[l].Select(w => w.ToString("0.##", c))))));
        }
    }

    static void Print(PretrainedModel loaded, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        var config = loaded.Config;
        long encoder = loaded.Model.Bert.ParameterCount;
        long total = loaded.ParameterCount;
        output.WriteLine(string.Create(c, $"architecture:  {config.Describe()}"));
        output.WriteLine(string.Create(c, $"parameters:    {total:N0} ({total / 1e6:F1} M); encoder {encoder:N0}, classifier {total - encoder:N0}"));
        output.WriteLine(loaded.Labels.Count == 0
            ? "labels:        none (encoder only; labels are chosen when fine-tuning)"
            : $"labels:        {string.Join(", ", loaded.Labels)}" + (loaded.ClassifierLoaded ? "" : " (head newly initialised)"));
        if (loaded.Thresholds != null)
            output.WriteLine("thresholds:    " + string.Join(", ", loaded.Thresholds.Select(t => string.Create(c, $"{t.Key} {t.Value:0.###}"))));
        output.WriteLine($"weights:       {loaded.Source}");
        output.WriteLine($"weights file:  {loaded.Source.WeightsPath}");
        if (loaded.Source.Kind == ModelSourceKind.Bundled) output.WriteLine($"cache:         {loaded.Source.Directory}");
        output.WriteLine($"vocabulary:    {loaded.VocabPath} ({(loaded.DoLowerCase ? "lower-cased" : "cased")})");
        long rss = Process.GetCurrentProcess().WorkingSet64;
        output.WriteLine(string.Create(c, $"load:          {loaded.LoadTime.TotalMilliseconds:F0} ms, process RSS {rss / 1048576.0:F0} MB after load"));
    }
}
