using FastBertTokenizer;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using TextTagger.Tests.TestSupport;
using static TorchSharp.torch;

namespace TextTagger.Tests.Modeling;

/// <summary>Tiny random BERTs, temporary folders and real comments as token-id batches, for the modeling tests.</summary>
static class ModelTestSupport
{
    /// <summary>The tiny architecture of <see cref="TinyModelDirectory"/>, with a 120-token vocabulary.</summary>
    public static BertConfig TinyConfig(PoolingMode pooling = PoolingMode.Cls, double initializerRange = 0.02)
    {
        var config = TinyModelDirectory.Config(pooling, initializerRange: initializerRange);
        config.VocabSize = 120;
        return config;
    }

    /// <param name="initializerRange">Spread of the random weights; larger (0.2) gives logits of order 1, far from a
    /// probability of 0.5, so a tolerance can be small against the signal.</param>
    public static BertForMultiLabelClassification TinyModel(int labels = 3, PoolingMode pooling = PoolingMode.Cls, int seed = 7,
                                                            double initializerRange = 0.02)
    {
        var model = TinyModelDirectory.SeededModel(TinyConfig(pooling, initializerRange), labels, seed);
        model.eval();
        return model;
    }

    /// <summary>A batch of 3 rows of random ids with different amounts of padding.</summary>
    public static (Tensor Ids, Tensor Mask) TinyBatch(int seq = 12, int seed = 3)
    {
        var generator = new Generator((ulong)seed);
        var ids = randint(5, 120, [3, seq], dtype: ScalarType.Int64, generator: generator);
        var mask = ones(3, seq, dtype: ScalarType.Int64);
        mask[1, TensorIndex.Slice(seq - 4)] = 0;
        mask[2, TensorIndex.Slice(3)] = 0;
        ids.masked_fill_(mask == 0, 0);
        return (ids, mask);
    }

    public static void WriteTinyVocabulary(string path, int size = 120)
    {
        var tokens = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(Enumerable.Range(0, size - 5).Select(i => $"tok{i}"));
        File.WriteAllText(path, string.Join("\n", tokens) + "\n");
    }

    public static float MaxAbsDiff(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a - b).abs().max().item<float>();
    }

    /// <summary>The first <paramref name="count"/> comments of the shared Jigsaw csv.</summary>
    public static List<string> Comments(int count) => SharedData.Comments.Take(count).ToList();

    /// <summary>Token ids with FastBertTokenizer and a bundled uncased vocabulary (MiniLM's unless given), padded to the
    /// longest text (≤ maxTokens).</summary>
    public static (long[,] Ids, long[,] Mask) Encode(IReadOnlyList<string> texts, int maxTokens, BundledEncoder? encoder = null)
    {
        encoder ??= BundledEncoder.MiniLm;
        var tokenizer = new BertTokenizer();
        var vocab = System.Text.Encoding.UTF8.GetString(encoder.ReadResource(encoder.VocabResource)).Replace("\r\n", "\n");
        tokenizer.LoadVocabulary(new StringReader(vocab), convertInputToLowercase: true);
        var ids = new long[texts.Count * maxTokens];
        var mask = new long[texts.Count * maxTokens];
        var types = new long[texts.Count * maxTokens];
        tokenizer.Encode(texts.ToArray().AsMemory(), ids, mask, types, maxTokens);
        int longest = Enumerable.Range(0, texts.Count)
            .Max(r => Enumerable.Range(0, maxTokens).Count(c => mask[r * maxTokens + c] != 0));
        var idsOut = new long[texts.Count, longest];
        var maskOut = new long[texts.Count, longest];
        for (int r = 0; r < texts.Count; r++)
            for (int c = 0; c < longest; c++)
            {
                idsOut[r, c] = ids[r * maxTokens + c];
                maskOut[r, c] = mask[r * maxTokens + c];
            }
        return (idsOut, maskOut);
    }
}
