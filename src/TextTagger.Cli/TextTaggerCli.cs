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
        root.Subcommands.Add(ServeCommand.Create());
        CliSupport.AddVersionToEverySubcommand(root);
        return root;
    }

    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        TorchEngine.Register();   // the CLI runs trained weights too, not only exported models
        var config = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return Build().Parse(args).Invoke(config);
        }
        catch (TextTaggerException e)
        {
            config.Error.WriteLine($"error: {e.Message}");
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
