using System.Text.Json;
using TextTagger.Inference;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Inference;

/// <summary>
/// A tiny TorchSharp model (weights drawn wide, so probabilities are far from 0.5 and differ between windows) with a
/// token limit of 10: a window holds 8 words of its vocabulary (each word is one token), and windows start every 4.
/// The expected window answer is computed here, by scoring each window's words as a short text of its own and keeping
/// the highest probability per label.
/// </summary>
public sealed class WideTinyModelFixture : IDisposable
{
    public const int MaxTokens = 10, Width = MaxTokens - 2, Stride = Width / 2;

    readonly TempFolder _folder = new();

    public WideTinyModelFixture()
    {
        Directory = TinyModelDirectory.Create(_folder.Combine("model"), TinyModelFixture.Labels, seed: 21, initializerRange: 0.5);
        // The limit "trained with", as a fine-tuned directory says it: every command (and the worker, which has no
        // --max-tokens) reads 10 tokens.
        TextTagger.ModelFiles.HfFiles.WriteTokenizerConfig(Directory, doLowerCase: true, maxLength: MaxTokens);
    }

    /// <summary>TorchSharp weights only (no model.onnx): every engine choice lands on TorchSharp.</summary>
    public string Directory { get; }

    /// <summary>22 one-token words: windows [0, 8), [4, 12), [8, 16), [12, 20), [14, 22).</summary>
    public static readonly string LongText = string.Join(' ',
        "good nice kind calm w1 w2 w3 w4 happy w5 w6 w7 hate hate rude angry w8 w9 ugly w10 sad love".Split(' '));

    public static readonly string[] Texts = [LongText, "bad w1", LongText + " bad bad"];

    /// <summary>Per text, per label: the highest probability over its windows, each window scored as a short text.</summary>
    public double[][] ExpectedWindowProbabilities(IReadOnlyList<string> texts)
    {
        using var plain = Tagger.Load(new TaggerOptions { ModelPath = Directory, MaxTokens = MaxTokens, Engine = TextTagger.Inference.Engines.EngineKind.TorchSharp });
        return texts.Select(text =>
        {
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var windows = new List<string>();
            if (words.Length <= Width) windows.Add(text);
            else
                for (int start = 0; ; start += Stride)
                {
                    start = Math.Min(start, words.Length - Width);
                    windows.Add(string.Join(' ', words[start..(start + Width)]));
                    if (start + Width >= words.Length) break;
                }
            var scored = plain.Predict(windows);
            Assert.All(scored, p => Assert.False(p.Truncated));
            return Enumerable.Range(0, plain.Labels.Count).Select(l => scored.Max(p => p.Probabilities[l])).ToArray();
        }).ToArray();
    }

    /// <summary>What truncation gives instead (the first 8 words): the window answer must differ from it somewhere,
    /// or a test of window mode would pass on a server that truncates.</summary>
    public double[][] TruncatedProbabilities(IReadOnlyList<string> texts)
    {
        using var plain = Tagger.Load(new TaggerOptions { ModelPath = Directory, MaxTokens = MaxTokens, Engine = TextTagger.Inference.Engines.EngineKind.TorchSharp });
        return plain.Predict(texts).Select(p => p.Probabilities.ToArray()).ToArray();
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>`predict --long-texts window` on the TorchSharp engine (the server's and the worker's are in Serving and
/// Streaming).</summary>
public sealed class LongTextWindowTests(WideTinyModelFixture model) : IClassFixture<WideTinyModelFixture>
{
    [Fact]
    public void Predict_with_long_texts_window_on_torchsharp_keeps_the_highest_window_probability_per_label()
    {
        var result = CliRunner.Run(["predict", "--model", model.Directory, "--engine", "torch", "--max-tokens", $"{WideTinyModelFixture.MaxTokens}",
                                    "--long-texts", "window", "--format", "json", .. WideTinyModelFixture.Texts]);
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        WindowAssert.AssertWindowAnswers(model, json.RootElement.GetProperty("predictions").EnumerateArray().ToArray(), WideTinyModelFixture.Texts);

        var stride = CliRunner.Run("predict", "--model", model.Directory, "--window-stride", "3", "bad");
        Assert.Equal((1, "error: --window-stride needs --long-texts window\n"), (stride.ExitCode, stride.Error));
    }
}

static class WindowAssert
{
    /// <summary>Each answer holds the window maxima (to 1e-5), is not marked truncated, and at least one probability
    /// differs from truncation by more than 1e-3.</summary>
    public static void AssertWindowAnswers(WideTinyModelFixture model, IReadOnlyList<JsonElement> predictions, IReadOnlyList<string> texts)
    {
        var expected = model.ExpectedWindowProbabilities(texts);
        var truncated = model.TruncatedProbabilities(texts);
        Assert.Equal(texts.Count, predictions.Count);
        double largestDifference = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            var probabilities = predictions[i].GetProperty("probabilities");
            for (int l = 0; l < TinyModelFixture.Labels.Length; l++)
            {
                double actual = probabilities.GetProperty(TinyModelFixture.Labels[l]).GetDouble();
                Assert.Equal(expected[i][l], actual, 1e-5);
                largestDifference = Math.Max(largestDifference, Math.Abs(actual - truncated[i][l]));
            }
            if (predictions[i].TryGetProperty("truncated", out var flag)) Assert.False(flag.GetBoolean());
        }
        Assert.True(largestDifference > 1e-3, $"window and truncation agree to {largestDifference}: the test cannot tell them apart");
    }
}
