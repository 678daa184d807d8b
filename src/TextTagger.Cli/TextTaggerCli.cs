using TextTagger.Inference;
using System.CommandLine;
using TextTagger.Cli.Commands;
using TextTagger.Worker;

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
        root.Subcommands.Add(PretrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(EnsembleCommand.Create());
        root.Subcommands.Add(CalibrateCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(TextTagger.Worker.WorkerCommands.ConfigureWorker(new Command("worker",
            "Score a Redis stream as one worker of a fleet (consumer group): results to STREAM:results, poison to STREAM:dead.")));
        root.Subcommands.Add(TextTagger.Worker.WorkerCommands.CreateStream());
        CliSupport.AddVersionToEverySubcommand(root);
        return root;
    }

    /// <summary>Runs the command line: every problem one line on stderr (see <see cref="CommandLineShell"/>).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null) =>
        CommandLineShell.Run(Build(), args, "texttagger", output, error, TerminationTimeout);

    /// <summary>SIGTERM cancels the verb and, by System.CommandLine's default, ends the process with 143 two seconds later:
    /// serve asks for its --shutdown-timeout instead, so requests in flight are answered and it exits 0, and a worker for
    /// the host's, so the batch in hand is written and acked.</summary>
    static TimeSpan? TerminationTimeout(System.CommandLine.ParseResult parse) =>
        ServeCommand.TerminationTimeout(parse) ??
        (parse.CommandResult.Command.Name == "worker" && parse.CommandResult.Parent is System.CommandLine.Parsing.CommandResult { Parent: null }
            ? WorkerCommands.TerminationTimeout(parse) : null);
}
