using Microsoft.Extensions.Configuration;

namespace TextTagger.Server;

/// <summary>
/// Runs the service on its own: `dotnet run --project src/TextTagger.Server -- --model DIR [--urls URLS]`
/// (`texttagger serve` is the usual way): a thin host over TextTagger.AspNetCore (TaggerServer.Build). Also the entry
/// point that WebApplicationFactory hosts in tests.
/// </summary>
public partial class Program
{
    public static void Main(string[] args)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args).Build();
        var options = new TaggerServerOptions
        {
            Model = new() { ModelPath = config["model"] ?? "" },
            Urls = config["urls"] ?? TaggerServerOptions.DefaultUrls,
        };
        try
        {
            TaggerServer.Build(options, args).Run();
        }
        catch (TextTaggerException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Environment.ExitCode = 1;
        }
    }
}
