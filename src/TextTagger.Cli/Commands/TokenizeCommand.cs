using System.CommandLine;

namespace TextTagger.Cli.Commands;

// Placeholder until the tokenization stage lands (issue 3).
static class TokenizeCommand
{
    public static Command Create() => new("tokenize", "Show the word pieces and ids of texts.");
}
