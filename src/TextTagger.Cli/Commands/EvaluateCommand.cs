using System.CommandLine;

namespace TextTagger.Cli.Commands;

// Placeholder: being built.
static class EvaluateCommand
{
    public static Command Create() => new("evaluate", "Evaluate a model on a labelled CSV: metrics, report and charts.");
}
