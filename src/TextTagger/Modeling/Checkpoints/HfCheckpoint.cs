namespace TextTagger.Modeling.Checkpoints;

/// <summary>
/// A Hugging Face model directory: config.json, vocab.txt, tokenizer_config.json (optional) and the weights as
/// model.safetensors or pytorch_model.bin; plus our thresholds.json (optional).
/// </summary>
public sealed record HfCheckpoint(string Directory, BertConfig Config, string WeightsPath, bool DoLowerCase,
                                  IReadOnlyDictionary<string, float>? Thresholds, int? ModelMaxLength)
{
    public const string ConfigFile = "config.json";
    public const string VocabFile = "vocab.txt";
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string SafetensorsFile = "model.safetensors";
    public const string PyTorchFile = "pytorch_model.bin";
    public const string ThresholdsFile = "thresholds.json";

    public string VocabPath => Path.Combine(Directory, VocabFile);

    public static HfCheckpoint Open(string directory)
    {
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new TextTaggerException($"Model directory {directory} not found (use \"minilm\" for the bundled model).");
        var config = BertConfig.Load(Path.Combine(directory, ConfigFile));
        if (!File.Exists(Path.Combine(directory, VocabFile)))
            throw new TextTaggerException($"{directory}: {VocabFile} is missing.");

        string weights = Path.Combine(directory, SafetensorsFile);
        if (!File.Exists(weights)) weights = Path.Combine(directory, PyTorchFile);
        if (!File.Exists(weights))
        {
            bool sharded = File.Exists(Path.Combine(directory, SafetensorsFile + ".index.json")) ||
                           File.Exists(Path.Combine(directory, PyTorchFile + ".index.json"));
            throw new TextTaggerException(sharded
                ? $"{directory}: sharded checkpoints are not supported; save the model as a single file."
                : $"{directory}: no {SafetensorsFile} or {PyTorchFile}.");
        }
        return new HfCheckpoint(directory, config, weights, HfFiles.ReadDoLowerCase(directory), HfFiles.ReadThresholds(directory),
                                HfFiles.ReadModelMaxLength(directory));
    }

    public ITensorSource OpenWeights() =>
        WeightsPath.EndsWith(".safetensors") ? Checkpoints.SafetensorsFile.Open(WeightsPath) : PyTorchBinFile.Open(WeightsPath);
}
