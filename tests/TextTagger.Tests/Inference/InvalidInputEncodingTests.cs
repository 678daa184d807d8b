using System.Text;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Inference;

public class InvalidInputEncodingTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("in.csv", "id,comment_text\na,good\nb,bad ", "3:7")]
    [InlineData("in.txt", "good\nbad ", "2:5")]
    public void Predict_rejects_invalid_utf8_input_with_file_and_line_and_writes_nothing(string name, string start, string where)
    {
        string model = TinyModelDirectory.Create(_folder.Combine("model"), ["toxic"]);
        string input = _folder.Bytes(name, [.. Encoding.UTF8.GetBytes(start), 0xFF, .. "x\n"u8.ToArray()]);
        string output = _folder.Combine("preds.csv");

        var result = CliRunner.Run("predict", "--model", model, "--input", input, "--output", output);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {input}:{where}: invalid UTF-8 (byte 0xFF); save the file as UTF-8", result.Error.Trim());
        Assert.False(File.Exists(output));
    }
}
