using System.CommandLine;

namespace TextTagger.Cli.Commands;

static class DataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Load, inspect, balance and split labelled CSV data.");
        return data;
    }
}
