using TextTagger.Tests.TestSupport;
using TextTagger.Cli;
using TextTagger.Modeling.Checkpoints;

namespace TextTagger.Tests.Modeling;

[Collection(MiniLmCollection.Name)]
public class ModelCommandTests(MiniLmFixture fixture)
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TextTaggerCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Info_on_the_bundled_model_shows_architecture_parameters_and_cache()
    {
        var (code, output, error) = Run("model", "info");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("6 layers, hidden 384, 12 heads", output);
        Assert.Contains("layer-norm eps 1E-12", output);
        Assert.Contains("pooling mean", output);
        Assert.Contains("22,713,216 (22.7 M)", output);
        Assert.Contains("from cache " + fixture.Cached.Source.Directory, output);
        Assert.Contains("cache:         " + fixture.Cached.Source.Directory, output);
    }

    [Fact]
    public void Info_on_a_directory_shows_labels_and_thresholds()
    {
        using var temp = new TempFolder();
        using (var model = ModelTestSupport.TinyModel(2))
        {
            var config = model.Config.Clone();
            config.SetLabels(["toxic", "insult"]);
            config.Save(temp["config.json"]);
            ModelTestSupport.WriteTinyVocabulary(temp["vocab.txt"]);
            SafetensorsFile.Write(temp["model.safetensors"],
                model.named_parameters().Select(p => new KeyValuePair<string, TorchSharp.torch.Tensor>(p.name, p.parameter)));
            HfFiles.WriteThresholds(temp.Path, ["toxic", "insult"], new Dictionary<string, float> { ["toxic"] = 0.4f, ["insult"] = 0.6f });
        }
        var (code, output, _) = Run("model", "info", "--model", temp.Path);
        Assert.Equal(0, code);
        Assert.Contains("2 layers, hidden 32, 4 heads", output);
        Assert.Contains("labels:        toxic, insult", output);
        Assert.Contains("thresholds:    toxic 0.4, insult 0.6", output);
        Assert.Contains("Hugging Face checkpoint " + temp["model.safetensors"], output);
    }

    [Fact]
    public void Info_on_a_missing_directory_is_a_one_line_error()
    {
        var (code, output, error) = Run("model", "info", "--model", "/nonexistent/model");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: Model directory /nonexistent/model not found", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
