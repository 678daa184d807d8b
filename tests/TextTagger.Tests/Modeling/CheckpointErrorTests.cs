using TextTagger.Tests.TestSupport;
using TextTagger.Modeling;
using TextTagger.Modeling.Checkpoints;
using TextTagger.Modeling.Pretrained;
using static TorchSharp.torch;

namespace TextTagger.Tests.Modeling;

public class CheckpointErrorTests
{
    /// <summary>Writes the tiny model's encoder (bare names), edited by <paramref name="edit"/>, and tries to load it.</summary>
    static TextTaggerException LoadEdited(Action<Dictionary<string, Tensor>> edit)
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var model = ModelTestSupport.TinyModel();
        model.Config.Save(temp["config.json"]);
        ModelTestSupport.WriteTinyVocabulary(temp["vocab.txt"]);
        var tensors = model.Bert.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter.detach());
        edit(tensors);
        SafetensorsFile.Write(temp["model.safetensors"], tensors);
        return Assert.Throws<TextTaggerException>(() => PretrainedModel.Load(temp.Path));
    }

    [Fact]
    public void Wrong_shape_names_the_tensor_and_both_shapes()
    {
        var e = LoadEdited(t => t["encoder.layer.1.intermediate.dense.weight"] = zeros(48, 32));
        Assert.Contains("encoder.layer.1.intermediate.dense.weight is [48, 32], expected [64, 32]", e.Message);
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        var e = LoadEdited(t => t.Remove("encoder.layer.0.attention.self.key.bias"));
        Assert.Contains("missing tensor(s): bert.encoder.layer.0.attention.self.key.bias", e.Message);
    }

    [Fact]
    public void Unexpected_tensor_is_named_but_position_ids_and_pretraining_heads_are_ignored()
    {
        var e = LoadEdited(t =>
        {
            t["encoder.layer.2.output.dense.weight"] = zeros(32, 64);
            t["embeddings.position_ids"] = arange(64).unsqueeze(0);
            t["cls.predictions.bias"] = zeros(120);
        });
        Assert.Contains("unexpected tensor(s): encoder.layer.2.output.dense.weight", e.Message);
        Assert.DoesNotContain("position_ids", e.Message);
        Assert.DoesNotContain("cls.predictions", e.Message);
    }

    [Fact]
    public void Missing_pooler_is_an_error_for_cls_pooling_and_a_warning_for_mean_pooling()
    {
        var e = LoadEdited(t => { t.Remove("pooler.dense.weight"); t.Remove("pooler.dense.bias"); });
        Assert.Contains("bert.pooler.dense.weight", e.Message);

        using var temp = new TempFolder();
        using var model = ModelTestSupport.TinyModel(pooling: PoolingMode.Mean);
        model.Config.Save(temp["config.json"]);
        ModelTestSupport.WriteTinyVocabulary(temp["vocab.txt"]);
        SafetensorsFile.Write(temp["model.safetensors"], model.Bert.named_parameters()
            .Where(p => !p.name.StartsWith("pooler.")).Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)));
        using var loaded = PretrainedModel.Load(temp.Path);
        Assert.Contains(loaded.Warnings, w => w.Contains("no pooler weights"));
    }

    [Fact]
    public void Directory_problems_are_user_errors()
    {
        using var temp = new TempFolder();
        Assert.Contains("not found", Assert.Throws<TextTaggerException>(() => PretrainedModel.Load(temp["nope"])).Message);
        Assert.Contains("config.json", Assert.Throws<TextTaggerException>(() => PretrainedModel.Load(temp.Path)).Message);
        ModelTestSupport.TinyConfig().Save(temp["config.json"]);
        Assert.Contains("vocab.txt", Assert.Throws<TextTaggerException>(() => PretrainedModel.Load(temp.Path)).Message);
        ModelTestSupport.WriteTinyVocabulary(temp["vocab.txt"]);
        Assert.Contains("model.safetensors", Assert.Throws<TextTaggerException>(() => PretrainedModel.Load(temp.Path)).Message);
        File.WriteAllBytes(temp["model.safetensors"], [1, 2, 3]);
        Assert.Contains("not a valid safetensors file", Assert.Throws<TextTaggerException>(() => PretrainedModel.Load(temp.Path)).Message);
    }
}
