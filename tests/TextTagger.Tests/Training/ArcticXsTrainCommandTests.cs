using TextTagger.Tests.Modeling;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Training;

/// <summary><c>train --model arctic-xs</c> end to end on a few rows (a step or two: a smoke test, not a fine-tuning).</summary>
[Collection(TorchRandomCollection.Name)]   // trains in-process, alone; the model cache is a fresh folder of its own meanwhile
public class ArcticXsTrainCommandTests : IDisposable
{
    readonly TempFolder _folder = new();
    readonly string? _cache = Environment.GetEnvironmentVariable("TEXTTAGGER_CACHE");

    public ArcticXsTrainCommandTests() => Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", _folder.Combine("cache"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", _cache);
        _folder.Dispose();
    }

    [Fact]
    public void Train_with_arctic_xs_writes_a_model_directory_that_predicts()
    {
        string data = SyntheticData.Write(_folder.Combine("tiny.csv"), 40);
        string output = _folder.Combine("run");
        var train = CliRunner.Run("train", "--data", data, "--model", "arctic-xs", "--out", output, "--epochs", "1", "--batch-size", "16",
                                  "--max-tokens", "32", "--val-fraction", "0.2", "--threads", "1", "--precision", "fp32");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("bundled snowflake-arctic-embed-xs", train.Output);

        string model = Path.Combine(output, "model");
        Assert.Contains("\"pooling\": \"mean\"", File.ReadAllText(Path.Combine(model, "config.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(TextTagger.Modeling.Pretrained.MiniLmCache.DirectoryFor(
                         TextTagger.Modeling.Pretrained.BundledEncoder.ArcticXs), "vocab.txt")),
                     File.ReadAllText(Path.Combine(model, "vocab.txt")));
        var predict = CliRunner.Run("predict", "--model", model, "you are a wonderful person");
        Assert.True(predict.ExitCode == 0, predict.Error);
        Assert.NotEmpty(predict.Output.Trim());
    }

    [Fact]
    public void Cls_pooling_is_refused_in_one_line_because_the_package_has_no_pooler()
    {
        string data = SyntheticData.Write(_folder.Combine("tiny.csv"), 40);
        var train = CliRunner.Run("train", "--data", data, "--model", "arctic-xs", "--pooling", "cls", "--out", _folder.Combine("run"));
        Assert.Equal(1, train.ExitCode);
        Assert.Contains("--pooling cls reads BERT's pooler, which the bundled snowflake-arctic-embed-xs does not have", train.Error);
        Assert.Single(train.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(_folder.Combine("run", "model")));
    }
}
