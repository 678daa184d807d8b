using System.CommandLine;

namespace TextTagger.Cli.Commands;

// Placeholder: being built.
static class PredictCommand
{
    public static Command Create() => new("predict", "Tag texts or a file with a trained model.");
}
