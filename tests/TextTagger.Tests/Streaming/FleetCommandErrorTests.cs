using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Streaming;

/// <summary>Bad options of the fleet's commands and of --checkpoint-every: one line, exit 1, nothing started.</summary>
public class FleetCommandErrorTests
{
    [Theory]
    [InlineData("--batch", "0", "error: --batch must be at least 1, got 0\n")]
    [InlineData("--max-deliveries", "0", "error: --max-deliveries must be at least 1, got 0\n")]
    [InlineData("--claim-idle-ms", "0", "error: --claim-idle-ms must be > 0, got 0\n")]
    [InlineData("--shutdown-timeout", "-1", "error: --shutdown-timeout must be between 0 and 86400 seconds, got -1\n")]
    public void Bad_worker_options_are_one_line_errors(string option, string value, string expected)
    {
        var result = CliRunner.Run("worker", "--model", "no-such-model", "--stream", "s", option, value);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void A_redis_that_is_not_there_is_a_one_line_error()
    {
        var result = CliRunner.Run("stream", "stats", "--redis", "127.0.0.1:1", "--stream", "s");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: --redis 127.0.0.1:1: cannot connect", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Theory]
    [InlineData("5x")]
    [InlineData("0steps")]
    public void A_bad_checkpoint_interval_is_a_one_line_error(string value)
    {
        var result = CliRunner.Run("train", "--data", "no-such.csv", "--checkpoint-every", value);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: --checkpoint-every: '{value}'", result.Error);
    }
}
