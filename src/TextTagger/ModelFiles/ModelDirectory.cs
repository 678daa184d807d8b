namespace TextTagger.ModelFiles;

/// <summary>
/// The unit every command takes as <c>--model</c>: a Hugging Face style directory with config.json (architecture,
/// labels, pooling), vocab.txt, tokenizer_config.json (optional: casing, token limit) and our thresholds.json
/// (optional), plus what runs it: TorchSharp-readable weights (model.safetensors or pytorch_model.bin) and/or an
/// exported model.onnx. The one reader of these files; the engines decide what they need from it.
/// </summary>
public sealed record ModelDirectory(string Directory, BertConfig Config, string VocabPath, bool DoLowerCase,
                                    ModelThresholds? Thresholds, int? ModelMaxLength,
                                    string? WeightsPath, string? OnnxPath)
{
    public const string ConfigFile = "config.json";
    public const string VocabFile = "vocab.txt";
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string SafetensorsFile = "model.safetensors";
    public const string PyTorchFile = "pytorch_model.bin";
    public const string ThresholdsFile = "thresholds.json";
    public const string OnnxFile = "model.onnx";

    public IReadOnlyList<string> Labels => Config.Labels;

    /// <summary>The token limit to use: model_max_length when it fits the position table, else null.</summary>
    public int? MaxTokens => ModelMaxLength is int max && max <= Config.MaxPositionEmbeddings ? max : null;

    /// <summary>Reads the small files and finds the weights; fails with the directory and the missing part named.</summary>
    public static ModelDirectory Open(string directory)
    {
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new TextTaggerException(File.Exists(directory)
                ? $"{directory} is a file, not a model directory."
                : $"Model directory {directory} not found (use \"minilm\" for the bundled model).");
        if (!File.Exists(Path.Combine(directory, ConfigFile)))
            throw new TextTaggerException($"{directory} is not a model directory: it has no {ConfigFile}.");
        var config = BertConfig.Load(Path.Combine(directory, ConfigFile));
        string vocab = Path.Combine(directory, VocabFile);
        if (!File.Exists(vocab))
            throw new TextTaggerException($"{directory}: {VocabFile} is missing (only BERT WordPiece models are supported).");

        string? weights = new[] { SafetensorsFile, PyTorchFile }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);
        string? onnx = Path.Combine(directory, OnnxFile);
        if (!File.Exists(onnx)) onnx = null;
        return new ModelDirectory(directory, config, vocab, HfFiles.ReadDoLowerCase(directory), HfFiles.ReadThresholds(directory),
                                  HfFiles.ReadModelMaxLength(directory), weights, onnx);
    }

    /// <summary>The weights file for TorchSharp, or a one-line reason why there is none.</summary>
    public string RequireWeights()
    {
        if (WeightsPath != null) return WeightsPath;
        bool sharded = File.Exists(Path.Combine(Directory, SafetensorsFile + ".index.json")) ||
                       File.Exists(Path.Combine(Directory, PyTorchFile + ".index.json"));
        throw new TextTaggerException(sharded
            ? $"{Directory}: sharded checkpoints are not supported; save the model as a single file."
            : OnnxPath != null
                ? $"{Directory} holds an exported {OnnxFile} but no {SafetensorsFile}: it runs on the ONNX Runtime engine only (--engine onnx)."
                : $"{Directory}: no {SafetensorsFile}, {PyTorchFile} or {OnnxFile}.");
    }
}
