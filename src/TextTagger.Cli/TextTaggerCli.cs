using TextTagger.Inference;
using System.CommandLine;
using TextTagger.Cli.Commands;

namespace TextTagger.Cli;

/// <summary>The `texttagger` command: a thin shell over the library, one file per verb under Commands/.</summary>
public static class TextTaggerCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("TextTagger: multi-label text classification with BERT transformers, offline on CPU.");
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(EnsembleCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(TextTagger.Worker.WorkerCommands.ConfigureWorker(new Command("worker",
            "Score a Redis stream as one worker of a fleet (consumer group): results to STREAM:results, poison to STREAM:dead.")));
        root.Subcommands.Add(TextTagger.Worker.WorkerCommands.CreateStream());
        CliSupport.AddVersionToEverySubcommand(root);
        return root;
    }

    static readonly System.Text.RegularExpressions.Regex CannotParse =
        new(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$");

    static string CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new List<string>();
        for (; result?.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent) names.Insert(0, result.Command.Name);
        return string.Concat(names.Select(n => n + " "));
    }

    /// <summary>System.CommandLine's parse errors, with the expected type said as a user would.</summary>
    internal static string Describe(string message)
    {
        var match = CannotParse.Match(message);
        if (!match.Success) return message;
        string type = match.Groups["type"].Value;
        if (type.StartsWith("System.Nullable`1[")) type = type["System.Nullable`1[".Length..].TrimEnd(']');
        string expected = type switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Single" => "a number",
            "System.Boolean" => "true or false",
            var other => "a value of type " + other.Split('.')[^1].ToLowerInvariant(),
        };
        return $"{match.Groups["option"].Value}: '{match.Groups["value"].Value}' is not {expected}";
    }

    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var config = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            var parse = Build().Parse(args);
            if (parse.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
            {
                // One line per problem in the user's terms, not the full help and not .NET type names.
                foreach (var problem in parse.Errors) config.Error.WriteLine($"error: {Describe(problem.Message)}");
                config.Error.WriteLine($"(see: texttagger {CommandPath(parse.CommandResult)}--help)");
                return 1;
            }
            // SIGTERM cancels the verb and, by System.CommandLine's default, ends the process with 143 two seconds later:
            // serve asks for its --shutdown-timeout instead, so requests in flight are answered and it exits 0, and a worker for
            // the host's, so the batch in hand is written and acked.
            if (ServeCommand.TerminationTimeout(parse) is { } drain) config.ProcessTerminationTimeout = drain;
            if (parse.CommandResult.Command.Name == "worker" && parse.CommandResult.Parent is System.CommandLine.Parsing.CommandResult { Parent: null })
                config.ProcessTerminationTimeout = TextTagger.Worker.WorkerCommands.TerminationTimeout;
            return parse.Invoke(config);
        }
        catch (TextTaggerException e)
        {
            config.Error.WriteLine($"error: {TextTagger.Worker.OptionFlags.Describe(e)}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            config.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            config.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("TEXTTAGGER_DEBUG") != "1")
        {
            // A bug of ours, not the user's input: still one line, with a way to get the details.
            config.Error.WriteLine($"error: internal error ({e.GetType().Name}: {e.Message}); set TEXTTAGGER_DEBUG=1 for the stack trace");
            return 70;
        }
    }
}
