using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Streaming;

/// <summary>The standalone worker program answers bad input as the CLI does (one handler: CommandLineShell): one line
/// in the user's terms, option properties named by their flags, exit 1.</summary>
public sealed class WorkerProgramErrorTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Bad_input_is_one_line_with_the_flag_and_exit_1()
    {
        using var parse = DotnetProcess.Worker("--model", model.Exported, "--stream", "s", "--batch", "abc");
        Assert.Equal(1, await parse.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("error: --batch: 'abc' is not a whole number\n(see: TextTagger.Worker --help)\n", parse.Log);

        using var invalid = DotnetProcess.Worker("--model", model.Exported, "--stream", "s", "--batch", "0", "--redis", "127.0.0.1:1");
        Assert.Equal(1, await invalid.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("error: --batch must be at least 1, got 0\n", invalid.Log);
        Assert.DoesNotContain("   at ", invalid.Log);
    }
}
