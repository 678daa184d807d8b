using System.Net.Http.Json;
using System.Text.Json;
using TextTagger.Server;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Inference;

/// <summary>Library, CLI and HTTP give the same probabilities for the same model directory and texts, on both
/// engines (the TorchSharp weights and their fp32 export), each checked against the other engine.</summary>
public class ThreeWaysParityTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData("torchsharp")]
    [InlineData("onnxruntime")]
    public async Task Library_cli_and_http_agree_to_1e_6(string engine)
    {
        string[] texts = ["good nice kind", "ugly rude angry hate hate hate w1 w2 w3", "love w9", ""];
        string directory = engine == "torchsharp" ? model.Directory : model.Exported;
        using var library = TextTagger.Inference.Tagger.Load(directory);
        Assert.Equal(engine, library.EngineName);
        var direct = library.Predict(texts);
        // The oracle for the engine: the other one (ONNX Runtime for TorchSharp's weights, TorchSharp for the export).
        using var otherEngine = TextTagger.Inference.Tagger.Load(engine == "torchsharp" ? model.Exported : model.Directory);
        Assert.NotEqual(engine, otherEngine.EngineName);
        var other = otherEngine.Predict(texts);

        var cli = CliRunner.Run(["predict", "--model", directory, "--format", "json", .. texts]);
        Assert.True(cli.ExitCode == 0, cli.Error);
        using var cliJson = JsonDocument.Parse(cli.Output);

        await using var factory = new TaggerServerFactory(new TaggerServerOptions { Model = new() { ModelPath = directory  }});
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/v1/predict", new { texts });
        response.EnsureSuccessStatusCode();
        using var httpJson = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        for (int i = 0; i < texts.Length; i++)
            for (int l = 0; l < library.Labels.Count; l++)
            {
                string label = library.Labels[l];
                double fromCli = cliJson.RootElement.GetProperty("predictions")[i].GetProperty("probabilities").GetProperty(label).GetDouble();
                double fromHttp = httpJson.RootElement.GetProperty("predictions")[i].GetProperty("probabilities").GetProperty(label).GetDouble();
                Assert.Equal(direct[i].Probabilities[l], fromCli, 1e-6);
                Assert.Equal(direct[i].Probabilities[l], fromHttp, 1e-6);
                Assert.Equal(other[i].Probabilities[l], direct[i].Probabilities[l], 1e-5);   // the other engine agrees
            }
    }
}
