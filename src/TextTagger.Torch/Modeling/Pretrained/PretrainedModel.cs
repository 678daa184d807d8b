using TextTagger.Calibration;
using System.Diagnostics;
using TextTagger.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace TextTagger.Modeling.Pretrained;

/// <summary>
/// The one entry point for weights: <see cref="Load"/> the bundled "minilm" or any Hugging Face BERT directory into
/// a <see cref="BertForMultiLabelClassification"/>, and <see cref="Save(string, IReadOnlyDictionary{string, float}?, int?)"/> a fine-tuned model as a Hugging Face
/// directory that Python's transformers loads as it is.
/// </summary>
public sealed class PretrainedModel : IDisposable
{
    public BertForMultiLabelClassification Model { get; }
    public BertConfig Config { get; }
    public ModelSource Source { get; }
    public IReadOnlyList<string> Labels { get; }
    /// <summary>vocab.txt (LF line ends) for the tokenizer.</summary>
    public string VocabPath { get; }
    public bool DoLowerCase { get; }
    /// <summary>Per-label decision thresholds from thresholds.json, when the directory has one.</summary>
    public IReadOnlyDictionary<string, float>? Thresholds { get; }
    public IReadOnlyList<string> Warnings { get; }
    public bool ClassifierLoaded { get; }
    /// <summary>The token limit the model was fine-tuned with (tokenizer_config.json's model_max_length), if known.</summary>
    public int? MaxTokens { get; private init; }
    public TimeSpan LoadTime { get; }

    PretrainedModel(BertForMultiLabelClassification model, ModelSource source, IReadOnlyList<string> labels, string vocabPath,
                    bool doLowerCase, IReadOnlyDictionary<string, float>? thresholds, StateDictLoadReport report, TimeSpan loadTime)
    {
        Model = model;
        Config = model.Config;
        Source = source;
        Labels = labels;
        VocabPath = vocabPath;
        DoLowerCase = doLowerCase;
        Thresholds = thresholds;
        Warnings = report.Warnings;
        ClassifierLoaded = report.ClassifierLoaded;
        LoadTime = loadTime;
    }

    /// <param name="minilmOrDirectory">"minilm" for the bundled all-MiniLM-L6-v2, "arctic-xs" for the bundled
    /// snowflake-arctic-embed-xs (<see cref="BundledEncoder"/>), or a Hugging Face BERT directory.</param>
    /// <param name="labels">The classifier's labels; null: the checkpoint's own (id2label), if any.</param>
    /// <param name="pooling">"cls" or "mean"; null: the checkpoint's choice ("mean" for minilm and arctic-xs, else config's or "cls").</param>
    /// <returns>The model in eval mode, on the CPU, float32.</returns>
    public static PretrainedModel Load(string minilmOrDirectory, IReadOnlyList<string>? labels = null, PoolingMode? pooling = null)
    {
        var clock = Stopwatch.StartNew();
        var encoder = BundledEncoder.Find(minilmOrDirectory);
        bool bundled = encoder != null;
        if (encoder is { HasPooler: false } && pooling == PoolingMode.Cls)
            throw new TextTaggerException($"--pooling cls reads BERT's pooler, which the bundled {encoder.ModelName} does not have " +
                                          $"(its model.onnx stops at last_hidden_state): use --pooling mean with --model {encoder.Name}.");
        string directory = encoder != null ? MiniLmCache.DirectoryFor(encoder) : minilmOrDirectory;

        if (encoder != null && !MiniLmCache.IsReady(directory))
        {
            var config = encoder.Config();
            var chosen = Prepare(config, labels, pooling, out _);
            var model = new BertForMultiLabelClassification(config, chosen.Count);
            try
            {
                var report = MiniLmCache.ConvertInto(encoder, model, directory);
                model.eval();
                var source = new ModelSource(ModelSourceKind.Bundled, directory, encoder.LocatePackageDll(), ConvertedNow: true) { Encoder = encoder };
                return new PretrainedModel(model, source, chosen, Path.Combine(directory, ModelDirectory.VocabFile), encoder.DoLowerCase, null,
                                           report, clock.Elapsed);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        try
        {
            return LoadDirectory(HfCheckpoint.Open(directory), encoder, labels, pooling, clock);
        }
        catch (TextTaggerException e) when (bundled)
        {
            throw new TextTaggerException($"{e.Message} (the cached conversion of the bundled model is damaged: delete {directory} to convert it again)", e);
        }
    }

    static PretrainedModel LoadDirectory(HfCheckpoint checkpoint, BundledEncoder? encoder, IReadOnlyList<string>? labels, PoolingMode? pooling,
                                         Stopwatch clock)
    {
        var config = checkpoint.Config;
        var chosen = Prepare(config, labels, pooling, out bool keepClassifier);
        var model = new BertForMultiLabelClassification(config, chosen.Count);
        try
        {
            StateDictLoadReport report;
            using (var weights = checkpoint.OpenWeights())
                report = StateDictLoader.Load(model, weights, keepClassifier);
            model.eval();
            var source = new ModelSource(encoder != null ? ModelSourceKind.Bundled : ModelSourceKind.Directory, checkpoint.Directory, checkpoint.WeightsPath, ConvertedNow: false)
            {
                Encoder = encoder,
            };
            var thresholds = keepClassifier && report.ClassifierLoaded ? checkpoint.Thresholds : null;
            return new PretrainedModel(model, source, chosen, checkpoint.VocabPath, checkpoint.DoLowerCase, thresholds, report, clock.Elapsed)
            {
                MaxTokens = checkpoint.ModelMaxLength is int max && max <= config.MaxPositionEmbeddings ? max : null,
            };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Settles labels and pooling in the config; says whether the checkpoint's head fits the labels.</summary>
    static IReadOnlyList<string> Prepare(BertConfig config, IReadOnlyList<string>? labels, PoolingMode? pooling, out bool keepClassifier)
    {
        if (pooling is { } mode)
        {
                        config.Pooling = mode;
        }
        var own = config.Labels;
        var chosen = labels ?? own;
        if (chosen.Distinct().Count() != chosen.Count) throw new TextTaggerException($"Labels must be distinct: {string.Join(", ", chosen)}.");
        keepClassifier = own.Count == 0 || own.SequenceEqual(chosen);
        if (chosen.Count > 0) config.SetLabels(chosen);
        return chosen;
    }

    /// <summary>
    /// Writes a Hugging Face directory (atomically): config.json for BertForSequenceClassification with
    /// problem_type multi_label_classification, id2label/label2id and our pooling; vocab.txt; tokenizer_config.json;
    /// model.safetensors (bert.*, classifier.*); thresholds.json {label: threshold} (0.5 where none is given).
    /// </summary>
    /// <param name="maxTokens">The token limit used in fine-tuning, written as model_max_length so prediction uses it too.</param>
    public void Save(string directory, IReadOnlyDictionary<string, float>? thresholds = null, int? maxTokens = null) =>
        Save(directory, thresholds, null, maxTokens);

    /// <summary>Saves with the thresholds and calibration fit on tune rows (thresholds.json, calibration.json).</summary>
    public void Save(string directory, ModelTuning tuning, int? maxTokens = null) => Save(directory, tuning.Thresholds.ByLabel(), tuning, maxTokens);

    void Save(string directory, IReadOnlyDictionary<string, float>? thresholds, ModelTuning? tuning, int? maxTokens) =>
        AtomicDirectory.Write(directory, temp =>
        {
            WriteDescription(temp, thresholds, maxTokens);
            tuning?.Write(temp);
            var tensors = Model.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter));
            SafetensorsFile.Write(Path.Combine(temp, ModelDirectory.SafetensorsFile), tensors);
        });

    /// <summary>The small files every model directory has, whatever holds the weights (saved model or export):
    /// config.json, vocab.txt, tokenizer_config.json and thresholds.json.</summary>
    public void WriteDescription(string directory, IReadOnlyDictionary<string, float>? thresholds = null, int? maxTokens = null)
    {
        var config = Config.Clone();
        config.Architectures = ["BertForSequenceClassification"];
        config.SetLabels(Labels);
        config.Save(Path.Combine(directory, ModelDirectory.ConfigFile));
        File.Copy(VocabPath, Path.Combine(directory, ModelDirectory.VocabFile));
        HfFiles.WriteTokenizerConfig(directory, DoLowerCase, maxTokens ?? MaxTokens ?? config.MaxPositionEmbeddings);
        HfFiles.WriteThresholds(directory, Labels, ThresholdsByLabel(thresholds));
    }

    /// <summary>Every label's threshold: the given one, else 0.5.</summary>
    public Dictionary<string, float> ThresholdsByLabel(IReadOnlyDictionary<string, float>? thresholds = null)
    {
        thresholds ??= Thresholds;
        return Labels.ToDictionary(l => l, l => thresholds != null && thresholds.TryGetValue(l, out var t) ? t : 0.5f);
    }

    public long ParameterCount => Model.ParameterCount;

    public void Dispose() => Model.Dispose();
}
