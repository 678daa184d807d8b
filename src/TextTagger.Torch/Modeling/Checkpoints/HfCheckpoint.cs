using TextTagger.ModelFiles;

namespace TextTagger.Modeling.Checkpoints;

/// <summary>A model directory (<see cref="ModelDirectory"/>) whose weights TorchSharp reads: model.safetensors or
/// pytorch_model.bin.</summary>
public sealed record HfCheckpoint(ModelDirectory Files, string WeightsPath)
{
    public string Directory => Files.Directory;
    public BertConfig Config => Files.Config;
    public string VocabPath => Files.VocabPath;
    public bool DoLowerCase => Files.DoLowerCase;
    public IReadOnlyDictionary<string, float>? Thresholds => Files.Thresholds?.ByLabel();
    public int? ModelMaxLength => Files.ModelMaxLength;

    public static HfCheckpoint Open(string directory)
    {
        var files = ModelDirectory.Open(directory);
        return new HfCheckpoint(files, files.RequireWeights());
    }

    public ITensorSource OpenWeights() =>
        WeightsPath.EndsWith(".safetensors") ? SafetensorsFile.Open(WeightsPath) : PyTorchBinFile.Open(WeightsPath);
}
