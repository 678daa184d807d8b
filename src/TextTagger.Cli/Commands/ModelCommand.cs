using System.CommandLine;

namespace TextTagger.Cli.Commands;

// Placeholder until the modeling stage lands (issue 4).
static class ModelCommand
{
    public static Command Create() => new("model", "Inspect pre-trained and fine-tuned models.");
}
