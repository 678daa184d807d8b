using System.CommandLine;

namespace TextTagger.Cli.Commands;

// Placeholder: being built.
static class ServeCommand
{
    public static Command Create() => new("serve", "Serve a trained model over HTTP.");
}
