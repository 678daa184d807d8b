using System.CommandLine;

namespace TextTagger.Cli.Commands;

// Placeholder: being built.
static class TrainCommand
{
    public static Command Create() => new("train", "Fine-tune a model on a labelled CSV.");
}
