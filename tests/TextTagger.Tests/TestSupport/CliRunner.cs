using TextTagger.Cli;

namespace TextTagger.Tests.TestSupport;

/// <summary>Runs the `texttagger` command in-process and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TextTaggerCli.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
