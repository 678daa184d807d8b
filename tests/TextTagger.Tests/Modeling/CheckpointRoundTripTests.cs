using TextTagger.Tests.TestSupport;
using TextTagger.Modeling;
using TextTagger.Modeling.Checkpoints;
using TextTagger.Modeling.Pretrained;
using static TorchSharp.torch;

namespace TextTagger.Tests.Modeling;

public class CheckpointRoundTripTests
{
    static readonly string[] Labels = ["toxic", "insult", "threat"];

    /// <summary>A Hugging Face directory holding <paramref name="model"/>'s weights, written by <paramref name="writeWeights"/>.</summary>
    static void WriteDirectory(string dir, BertForMultiLabelClassification model, Action<string, Dictionary<string, Tensor>> writeWeights,
                               bool withPrefix = true, bool withHead = true, IReadOnlyList<string>? labels = null)
    {
        Directory.CreateDirectory(dir);
        var config = model.Config.Clone();
        if (labels != null) config.SetLabels(labels);
        config.Save(Path.Combine(dir, "config.json"));
        ModelTestSupport.WriteTinyVocabulary(Path.Combine(dir, "vocab.txt"));
        var tensors = model.named_parameters()
            .Where(p => withHead || !p.name.StartsWith("classifier."))
            .ToDictionary(p => withPrefix || !p.name.StartsWith("bert.") ? p.name : p.name["bert.".Length..], p => (Tensor)p.parameter.detach());
        writeWeights(dir, tensors);
    }

    static void WriteSafetensors(string dir, Dictionary<string, Tensor> tensors) =>
        SafetensorsFile.Write(Path.Combine(dir, "model.safetensors"), tensors);

    static Tensor Logits(BertForMultiLabelClassification model, Tensor ids, Tensor mask)
    {
        using var noGrad = no_grad();
        return model.forward(ids, mask, null);
    }

    [Theory]
    [InlineData(PoolingMode.Cls)]
    [InlineData(PoolingMode.Mean)]
    public void Save_then_load_gives_identical_logits(PoolingMode pooling)
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var original = ModelTestSupport.TinyModel(Labels.Length, pooling);
        WriteDirectory(temp["source"], original, WriteSafetensors, labels: Labels);
        var (ids, mask) = ModelTestSupport.TinyBatch();

        using var loaded = PretrainedModel.Load(temp["source"], Labels);
        Assert.True(loaded.ClassifierLoaded);
        Assert.Empty(loaded.Warnings);
        var expected = Logits(original, ids, mask);
        Assert.Equal(0f, ModelTestSupport.MaxAbsDiff(expected, Logits(loaded.Model, ids, mask)));

        var thresholds = new Dictionary<string, float> { ["toxic"] = 0.3f, ["insult"] = 0.45f, ["threat"] = 0.2f };
        loaded.Save(temp["saved"], thresholds);
        using var again = PretrainedModel.Load(temp["saved"]);
        Assert.Equal(Labels, again.Labels);
        Assert.Equal(pooling, again.Config.Pooling);
        Assert.Equal(thresholds, again.Thresholds);
        Assert.True(again.ClassifierLoaded);
        Assert.Equal(0f, ModelTestSupport.MaxAbsDiff(expected, Logits(again.Model, ids, mask)));
        Assert.Empty(Directory.GetDirectories(temp.Path, ".*"));     // the temporary directory was renamed away
    }

    [Fact]
    public void Saved_directory_is_a_transformers_BertForSequenceClassification()
    {
        using var temp = new TempFolder();
        using var original = ModelTestSupport.TinyModel(Labels.Length);
        WriteDirectory(temp["source"], original, WriteSafetensors, labels: Labels);
        using var loaded = PretrainedModel.Load(temp["source"]);
        loaded.Save(temp["saved"]);

        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(temp["saved/config.json"]))!;
        Assert.Equal("BertForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        Assert.Equal("multi_label_classification", config["problem_type"]!.GetValue<string>());
        Assert.Equal("insult", config["id2label"]!["1"]!.GetValue<string>());
        Assert.Equal(2, config["label2id"]!["threat"]!.GetValue<int>());
        Assert.Equal(1e-12, config["layer_norm_eps"]!.GetValue<double>());
        Assert.Equal("cls", config["pooling"]!.GetValue<string>());
        Assert.True(File.Exists(temp["saved/vocab.txt"]));
        Assert.Contains("do_lower_case", File.ReadAllText(temp["saved/tokenizer_config.json"]));
        Assert.Equal(0.5f, HfFiles.ReadThresholds(temp["saved"])!.ByLabel()["toxic"]);

        using var weights = SafetensorsFile.Open(temp["saved/model.safetensors"]);
        Assert.Equal("pt", weights.Metadata["format"]);
        Assert.All(weights.Names, n => Assert.True(n.StartsWith("bert.") || n.StartsWith("classifier."), n));
        Assert.Contains("bert.encoder.layer.1.attention.self.query.weight", weights.Names);
        Assert.Equal([3L, 32L], weights.Shape("classifier.weight"));
        long headerLength = BitConverter.ToInt64(File.ReadAllBytes(temp["saved/model.safetensors"]).AsSpan(0, 8));
        Assert.Equal(0, headerLength % 8);
    }

    [Fact]
    public void Loads_pytorch_model_bin_written_by_PyBridge()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var original = ModelTestSupport.TinyModel(Labels.Length, PoolingMode.Mean);
        WriteDirectory(temp.Path, original, (dir, t) => PyTorchBinFile.Write(Path.Combine(dir, "pytorch_model.bin"), t), labels: Labels);
        var (ids, mask) = ModelTestSupport.TinyBatch();

        using var loaded = PretrainedModel.Load(temp.Path);
        Assert.EndsWith("pytorch_model.bin", loaded.Source.WeightsPath);
        Assert.True(loaded.ClassifierLoaded);
        Assert.Equal(0f, ModelTestSupport.MaxAbsDiff(Logits(original, ids, mask), Logits(loaded.Model, ids, mask)));
    }

    [Fact]
    public void Loads_safetensors_written_by_another_tool_with_bert_prefix()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var original = ModelTestSupport.TinyModel(Labels.Length);
        WriteDirectory(temp.Path, original, (dir, t) =>
        {
            using var stream = File.Create(Path.Combine(dir, "model.safetensors"));
            TorchSharp.PyBridge.Safetensors.SaveStateDict(stream, t);   // PyBridge's writer: no metadata, no padding
        }, labels: Labels);
        var (ids, mask) = ModelTestSupport.TinyBatch();

        using var loaded = PretrainedModel.Load(temp.Path);
        Assert.True(loaded.ClassifierLoaded);
        Assert.Equal(0f, ModelTestSupport.MaxAbsDiff(Logits(original, ids, mask), Logits(loaded.Model, ids, mask)));
    }

    [Fact]
    public void Loads_an_encoder_without_prefix_and_initialises_a_new_head_with_a_warning()
    {
        using var temp = new TempFolder();
        using var scope = NewDisposeScope();
        using var original = ModelTestSupport.TinyModel(Labels.Length);
        WriteDirectory(temp.Path, original, WriteSafetensors, withPrefix: false, withHead: false);
        var (ids, mask) = ModelTestSupport.TinyBatch();

        using var loaded = PretrainedModel.Load(temp.Path, ["a", "b"]);
        Assert.False(loaded.ClassifierLoaded);
        Assert.Contains(loaded.Warnings, w => w.Contains("no classifier head"));
        Assert.Equal(2, loaded.Model.LabelCount);
        using var noGrad = no_grad();
        var expectedPooled = original.Pool(ids, mask, null);
        Assert.Equal(0f, ModelTestSupport.MaxAbsDiff(expectedPooled, loaded.Model.Pool(ids, mask, null)));
        Assert.True(loaded.Model.Classifier.weight!.std().item<float>() is > 0.005f and < 0.05f);   // N(0, 0.02)
    }

    [Fact]
    public void A_head_of_another_size_or_for_other_labels_is_reinitialised_with_a_warning()
    {
        using var temp = new TempFolder();
        using var original = ModelTestSupport.TinyModel(Labels.Length);
        WriteDirectory(temp.Path, original, WriteSafetensors, labels: Labels);

        using var fewer = PretrainedModel.Load(temp.Path, ["toxic", "obscene"]);
        Assert.False(fewer.ClassifierLoaded);
        Assert.Contains(fewer.Warnings, w => w.Contains("classifier"));

        using var renamed = PretrainedModel.Load(temp.Path, ["a", "b", "c"]);
        Assert.False(renamed.ClassifierLoaded);
        Assert.Contains(renamed.Warnings, w => w.Contains("other labels"));
    }
}
