using TextTagger.Inference.Engines;
using System.CommandLine;
using TextTagger.Training;

namespace TextTagger.Cli.Commands;

/// <summary>`texttagger pretrain`: task-adaptive masked-language-model pre-training of the encoder on the training texts.</summary>
static class PretrainCommand
{
    public static Command Create()
    {
        var defaults = new PretrainingOptions();
        var command = new Command("pretrain",
            "Continue masked-language-model training of the encoder on the training texts (task-adaptive pre-training); " +
            "the output is a BERT directory for `train --model DIR`.");
        var dataOptions = new DataOptions();
        var splitOptions = new SplitOptions();
        dataOptions.AddTo(command);
        splitOptions.AddTo(command);
        var model = Add(command, new Option<string>("--model") { Description = "\"minilm\" (bundled) or a Hugging Face BERT directory", DefaultValueFactory = _ => defaults.Model });
        var output = Add(command, new Option<string>("--out") { Description = "Output folder: a Hugging Face BERT directory with pretrain.json", Required = true });
        var epochs = Add(command, new Option<int>("--epochs") { DefaultValueFactory = _ => defaults.Epochs });
        var maxSteps = Add(command, new Option<int?>("--max-steps") { Description = "Stop after this many steps (the schedule spans them)" });
        var batchSize = Add(command, new Option<int>("--batch-size") { DefaultValueFactory = _ => defaults.BatchSize });
        var maxLength = Add(command, new Option<int>("--max-length") { Description = "Truncate texts to this many tokens", DefaultValueFactory = _ => defaults.MaxTokens });
        var rate = Add(command, new Option<double>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => defaults.LearningRate });
        var warmup = Add(command, new Option<double>("--warmup-fraction") { Description = "Share of steps spent warming up", DefaultValueFactory = _ => defaults.WarmupFraction });
        var maskProbability = Add(command, new Option<double>("--mask-probability") { Description = "Share of tokens chosen for prediction (80 % [MASK], 10 % random, 10 % kept)", DefaultValueFactory = _ => defaults.MaskProbability });
        var allRows = Add(command, new Option<bool>("--all-rows") { Description = "Pre-train on every row of the file, validation and tune rows included (default: only the rows `train` with the same split options trains on)" });
        var heldOut = Add(command, new Option<int>("--held-out-texts") { Description = "Texts kept out to measure masked-token accuracy before and after", DefaultValueFactory = _ => defaults.HeldOutTexts });
        var limitRows = Add(command, new Option<int?>("--limit-rows") { Description = "Use only the first N rows of the file (quick runs)" });
        var precision = Add(command, new Option<string>("--precision") { Description = "bf16, fp32 or auto", DefaultValueFactory = _ => defaults.Precision.Name() });
        precision.AcceptOnlyFromAmong(Precisions.Requestable);
        var threads = Add(command, new Option<int>("--threads") { Description = "libtorch threads (0: one per core)", DefaultValueFactory = _ => defaults.Threads });
        var logEvery = Add(command, new Option<int>("--log-every") { Description = "Log the MLM loss every N steps", DefaultValueFactory = _ => defaults.LogEverySteps });
        var overwrite = Add(command, new Option<bool>("--overwrite") { Description = "Replace an earlier pre-training output in --out" });

        command.SetAction((parse, cancel) =>
        {
            string outputDirectory = parse.GetValue(output)!;
            if (Directory.Exists(outputDirectory) && Directory.EnumerateFileSystemEntries(outputDirectory).Any())
            {
                if (!parse.GetValue(overwrite))
                    throw new TextTaggerException($"--out {outputDirectory} is not empty; pass --overwrite to replace an earlier pre-training output, or choose another --out");
                if (!File.Exists(Path.Combine(outputDirectory, PretrainingSummary.FileName)))
                    throw new TextTaggerException($"--out {outputDirectory} is not an earlier pre-training output (no {PretrainingSummary.FileName}); not replacing it");
            }
            var options = new PretrainingOptions
            {
                Model = parse.GetValue(model)!,
                Epochs = parse.GetValue(epochs),
                MaxSteps = parse.GetValue(maxSteps),
                BatchSize = parse.GetValue(batchSize),
                MaxTokens = parse.GetValue(maxLength),
                LearningRate = parse.GetValue(rate),
                WarmupFraction = parse.GetValue(warmup),
                MaskProbability = parse.GetValue(maskProbability),
                Seed = parse.GetValue(splitOptions.Seed),
                TrainSplitOnly = !parse.GetValue(allRows),
                ValidationFraction = parse.GetValue(splitOptions.ValidationFraction),
                TuneFraction = parse.GetValue(splitOptions.TuneFraction),
                UntaggedToKeep = parse.GetValue(splitOptions.Balance),
                HeldOutTexts = parse.GetValue(heldOut),
                LimitRows = parse.GetValue(limitRows),
                Precision = Precisions.Parse(parse.GetValue(precision), "--precision"),
                Threads = parse.GetValue(threads),
                LogEverySteps = Math.Max(1, parse.GetValue(logEvery)),
            };
            try { options.Validate(); }
            catch (InvalidOptionException e) { throw new TextTaggerException(e.MessageFor(Flags.GetValueOrDefault(e.Option, e.Option)), e); }
            var writer = parse.InvocationConfiguration.Output;
            var display = new TrainingConsole(CliSupport.Console(parse), writer, live: false, options.LogEverySteps);   // a line every --log-every steps: the MLM loss, lr, examples/s
            var summary = new Pretrainer(parse.GetValue(dataOptions.Data)!, dataOptions.LoadOptions(parse), options, outputDirectory, display).Run(cancel);
            writer.WriteLine($"pre-trained encoder written to {outputDirectory} ({summary.Steps:N0} steps, {summary.Minutes:F1} min); " +
                             $"fine-tune it with: texttagger train --model {outputDirectory} --data …");
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The flag of each <see cref="PretrainingOptions"/> property, for error messages.</summary>
    static readonly Dictionary<string, string> Flags = new()
    {
        ["Epochs"] = "--epochs", ["MaxSteps"] = "--max-steps", ["BatchSize"] = "--batch-size", ["MaxTokens"] = "--max-length",
        ["LearningRate"] = "--lr", ["WarmupFraction"] = "--warmup-fraction", ["MaskProbability"] = "--mask-probability",
        ["ValidationFraction"] = "--val-fraction", ["TuneFraction"] = "--tune-fraction", ["HeldOutTexts"] = "--held-out-texts",
        ["LimitRows"] = "--limit-rows", ["Threads"] = "--threads",
    };

    static Option<T> Add<T>(Command command, Option<T> option)
    {
        command.Options.Add(option);
        return option;
    }
}
