using TextTagger.Modeling;
using TextTagger.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace TextTagger.Tests.TestSupport;

/// <summary>
/// Writes a tiny random-weight BERT classifier as a Hugging Face directory (config.json, vocab.txt,
/// model.safetensors), with a small word-level vocabulary, so training, evaluation and prediction can be tested
/// end to end in seconds.
/// </summary>
public static class TinyModelDirectory
{
    /// <summary>Words of the vocabulary besides the special tokens: w0 … w(n-1), plus these readable ones.</summary>
    public static readonly string[] Words = ["good", "bad", "nice", "ugly", "kind", "rude", "calm", "angry", "happy", "sad", "hate", "love"];

    public static BertConfig Config(PoolingMode pooling = PoolingMode.Cls, int extraWords = 60, string hiddenAct = "gelu",
                                    double initializerRange = 0.02) => new()
    {
        HiddenAct = hiddenAct,
        InitializerRange = initializerRange,
        VocabSize = 5 + Words.Length + extraWords,
        HiddenSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 64,
        MaxPositionEmbeddings = 64,
        TypeVocabSize = 2,
        Pooling = pooling,
    };

    /// <param name="labels">Label names for the head; empty: an encoder with no head labels (a "pre-trained" model).</param>
    /// <param name="initializerRange">Standard deviation of the random weights (larger: logits far from 0, so a
    /// comparison of logits has something to compare).</param>
    public static string Create(string directory, IReadOnlyList<string> labels, PoolingMode pooling = PoolingMode.Cls, int seed = 11,
                                int extraWords = 60, string hiddenAct = "gelu", double initializerRange = 0.02)
    {
        Directory.CreateDirectory(directory);
        var config = Config(pooling, extraWords, hiddenAct, initializerRange);
        if (labels.Count > 0) config.SetLabels(labels);
        config.Architectures = ["BertForSequenceClassification"];
        config.Save(Path.Combine(directory, ModelDirectory.ConfigFile));
        var tokens = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(Words).Concat(Enumerable.Range(0, extraWords).Select(i => $"w{i}"));
        File.WriteAllText(Path.Combine(directory, ModelDirectory.VocabFile), string.Join("\n", tokens) + "\n");

        using var model = SeededModel(config, Math.Max(labels.Count, 1), seed);
        var tensors = model.named_parameters()
            .Where(p => labels.Count > 0 || !p.name.StartsWith("classifier."))
            .Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter));
        SafetensorsFile.Write(Path.Combine(directory, ModelDirectory.SafetensorsFile), tensors);
        return directory;
    }

    /// <summary>
    /// A model with BERT's initialisation (as <c>BertInit</c>: linear and embedding weights normal(0, initializer range),
    /// the [PAD] row and biases 0, layer norms 1 and 0) drawn from a generator of its own: one seed gives one model,
    /// whatever other tests draw from libtorch's global generator meanwhile. (The constructor's own draws from the
    /// global generator are all overwritten.)
    /// </summary>
    public static BertForMultiLabelClassification SeededModel(BertConfig config, int labels, int seed)
    {
        var model = new BertForMultiLabelClassification(config, labels);
        using var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case TorchSharp.Modules.Linear linear:
                    linear.weight!.normal_(0, config.InitializerRange, generator);
                    linear.bias?.zero_();
                    break;
                case TorchSharp.Modules.Embedding embedding:
                    embedding.weight!.normal_(0, config.InitializerRange, generator);
                    if (name.EndsWith("word_embeddings")) embedding.weight[config.PadTokenId].zero_();
                    break;
                case TorchSharp.Modules.LayerNorm norm:
                    norm.weight!.fill_(1);
                    norm.bias!.zero_();
                    break;
            }
        }
        return model;
    }
}
