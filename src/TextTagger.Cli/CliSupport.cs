using TextTagger.Inference.Engines;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Spectre.Console;
using TextTagger.Modeling;

namespace TextTagger.Cli;

static class CliSupport
{
    public static string Version =>
        typeof(CliSupport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>`--version` works on every verb (`texttagger data stats --version`), not only on the root.</summary>
    public static void AddVersionToEverySubcommand(Command command)
    {
        foreach (var sub in command.Subcommands)
        {
            sub.Options.Add(new Option<bool>("--version")
            {
                Description = "Show version information",
                Arity = ArgumentArity.Zero,
                Action = new PrintVersionAction(),
            });
            AddVersionToEverySubcommand(sub);
        }
    }

    sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parse)
        {
            parse.InvocationConfiguration.Output.WriteLine(Version);
            return 0;
        }
    }

    /// <summary>--precision for the verbs that run a trained model (float32 unless asked).</summary>
    public static Option<string> InferencePrecisionOption()
    {
        var option = new Option<string>("--precision")
        {
            Description = "Matrix products in fp32 (exact), bf16 (faster where the CPU has native bfloat16; probabilities move by ~1e-2) or auto",
            DefaultValueFactory = _ => "fp32",
        };
        option.AcceptOnlyFromAmong(Precisions.Requestable);
        return option;
    }

    /// <summary>A Spectre console that writes to the command's output (colours only on a real terminal).</summary>
    public static IAnsiConsole Console(ParseResult parse)
    {
        var writer = parse.InvocationConfiguration.Output;
        bool terminal = ReferenceEquals(writer, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = 120;
        return console;
    }

    public static void Warn(ParseResult parse, string message) =>
        parse.InvocationConfiguration.Error.WriteLine($"warning: {message}");
}
