using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using static TorchSharp.torch;

namespace TextTagger.Bench;

/// <summary>The architectures the model benchmarks run (with the matching Python script arguments), random inputs, and
/// the analytic FLOP count of a forward pass / training step.</summary>
static class BertWork
{
    public const int Labels = 6;

    /// <summary>"minilm" (all-MiniLM-L6-v2: 6 × 384, the bundled default) or "bert-base" (12 × 768).</summary>
    public static BertConfig Config(string arch)
    {
        var config = MiniLmCache.Config();
        switch (arch)
        {
            case "minilm": break;
            case "bert-base":
                config.HiddenSize = 768;
                config.NumHiddenLayers = 12;
                config.IntermediateSize = 3072;
                break;
            default: throw new ArgumentException($"--arch must be minilm or bert-base, got {arch}");
        }
        return config;
    }

    /// <summary>The Python script's options for the same architecture.</summary>
    public static string[] PythonArchArgs(BertConfig c) =>
    [
        "--layers", c.NumHiddenLayers.ToString(), "--hidden", c.HiddenSize.ToString(), "--heads", c.NumAttentionHeads.ToString(),
        "--intermediate", c.IntermediateSize.ToString(), "--vocab", c.VocabSize.ToString(),
    ];

    /// <summary>Random token ids in [1000, vocab) (no [PAD], no special tokens), attention mask all ones, token types 0.</summary>
    public static (Tensor Ids, Tensor Mask, Tensor Types) RandomInputs(int batch, int seq, int vocab, Generator generator)
    {
        var ids = randint(1000, vocab, [batch, seq], dtype: ScalarType.Int64, generator: generator);
        return (ids, ones_like(ids), zeros_like(ids));
    }

    /// <summary>
    /// Floating-point operations (multiply and add counted separately) of one forward pass over batch × seq tokens:
    /// the encoder's matrix products (Q, K, V, attention output, FFN in and out: 2 × (4h² + 2hi) per token and layer),
    /// attention's QKᵀ and PV (2 × 2 × seq × h per token and layer), the pooler and the head. Element-wise work
    /// (LayerNorm, GELU, softmax, dropout, embeddings) is left out: it is memory-bound and small in FLOPs.
    /// </summary>
    public static double ForwardFlops(BertConfig c, long batch, long seq, int labels = Labels)
    {
        double h = c.HiddenSize, i = c.IntermediateSize, tokens = batch * seq;
        double perTokenLayer = 2 * (4 * h * h + 2 * h * i) + 4 * seq * h;
        double pooledHead = batch * (2 * h * h + 2 * h * labels);
        return tokens * perTokenLayer * c.NumHiddenLayers + pooledHead;
    }

    /// <summary>A training step ≈ 3 × forward: backward computes the gradient with respect to both the inputs and the
    /// weights of every matrix product (the first layer's input gradient is needed too: the embeddings train).</summary>
    public static double TrainStepFlops(BertConfig c, long batch, long seq, int labels = Labels) => 3 * ForwardFlops(c, batch, seq, labels);

    /// <summary>Weights that take part in matrix products (the "6 × parameters × tokens" rule counts these).</summary>
    public static long MatmulParameters(BertConfig c) =>
        (long)c.NumHiddenLayers * (4L * c.HiddenSize * c.HiddenSize + 2L * c.HiddenSize * c.IntermediateSize);
}
