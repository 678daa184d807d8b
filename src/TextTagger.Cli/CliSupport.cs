using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace TextTagger.Cli;

static class CliSupport
{
    public static string Version =>
        typeof(CliSupport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>`--version` works on every verb (`texttagger data stats --version`), not only on the root.</summary>
    public static void AddVersionToEverySubcommand(Command command)
    {
        foreach (var sub in command.Subcommands)
        {
            var version = new Option<bool>("--version") { Description = "Show version information" };
            sub.Options.Add(version);
            var inner = sub.Action;
            sub.SetAction((parse, token) =>
            {
                if (parse.GetValue(version))
                {
                    parse.InvocationConfiguration.Output.WriteLine(Version);
                    return Task.FromResult(0);
                }
                return inner switch
                {
                    SynchronousCommandLineAction sync => Task.FromResult(sync.Invoke(parse)),
                    AsynchronousCommandLineAction async => async.InvokeAsync(parse, token),
                    _ => ShowHelp(parse),
                };
            });
            AddVersionToEverySubcommand(sub);
        }
    }

    static Task<int> ShowHelp(ParseResult parse)
    {
        // A verb group without an action of its own (e.g. `texttagger data`): show its help.
        return Task.FromResult(parse.CommandResult.Command.Parse("--help").Invoke());
    }
}
