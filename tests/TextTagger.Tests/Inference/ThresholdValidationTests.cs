using TextTagger.Server;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Inference;

/// <summary>One threshold check for predict, evaluate and serve: NaN and numbers outside [0, 1] are refused alike
/// (NaN used to be accepted by predict and serve, and then tagged nothing).</summary>
public class ThresholdValidationTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData("NaN")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void Predict_evaluate_and_serve_refuse_the_same_thresholds(string threshold)
    {
        var predict = CliRunner.Run("predict", "--model", model.Directory, "--threshold", threshold, "hello");
        Assert.Equal(1, predict.ExitCode);
        Assert.Matches(@"^error: --threshold must be between 0 and 1, got ", predict.Error);

        using var folder = new TempFolder();
        string csv = folder.File("data.csv", "comment_text,toxic,insult,threat\ngood,0,0,0\nbad,1,1,0\n");
        var evaluate = CliRunner.Run("evaluate", "--model", model.Directory, "--data", csv, "--threshold", threshold, "--out", folder["eval"]);
        Assert.Equal(1, evaluate.ExitCode);
        Assert.Matches(@"^error: --threshold must be between 0 and 1, got ", evaluate.Error);

        double value = double.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture);
        var serve = Assert.ThrowsAny<TextTaggerException>(() =>
            new ServedModel(new TaggerServerOptions { Model = new() { ModelPath = model.Directory, Threshold = value } }));
        // In C#, the message names the options property; the CLI names its flag.
        Assert.Equal("Threshold", Assert.IsType<InvalidOptionException>(serve).Option);
        Assert.StartsWith("Threshold must be between 0 and 1", serve.Message);
    }
}

/// <summary>Values System.CommandLine cannot convert: one line each in the user's terms, exit 1, no help dump.</summary>
public class CliParseErrorTests
{
    [Fact]
    public void Non_numeric_values_are_one_line_errors_naming_the_option()
    {
        var result = CliRunner.Run("predict", "--model", "x", "--batch-size", "abc", "--threshold", "0.x", "hello");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Equal("error: --threshold: '0.x' is not a number\nerror: --batch-size: 'abc' is not a whole number\n(see: texttagger predict --help)\n",
                     result.Error);
        var epochs = CliRunner.Run("train", "--data", "x.csv", "--epochs", "two");
        Assert.Equal("error: --epochs: 'two' is not a whole number\n(see: texttagger train --help)\n", epochs.Error);
    }
}
