using System.CommandLine;

namespace TextTagger.Worker;

/// <summary>
/// The one top-level handler of TextTagger's programs (the `texttagger` CLI and the standalone worker): parse errors
/// one line each in the user's terms (not the help, not .NET type names), a <see cref="TextTaggerException"/> one line
/// with option properties named by their flags, exit 1; cancelled 130; a bug of ours one line and exit 70 unless
/// TEXTTAGGER_DEBUG=1.
/// </summary>
public static class CommandLineShell
{
    static readonly System.Text.RegularExpressions.Regex CannotParse =
        new(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$");

    static string CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new List<string>();
        for (; result?.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent) names.Insert(0, result.Command.Name);
        return string.Concat(names.Select(n => n + " "));
    }

    /// <summary>System.CommandLine's parse errors, with the expected type said as a user would.</summary>
    public static string Describe(string message)
    {
        var match = CannotParse.Match(message);
        if (!match.Success) return message;
        string type = match.Groups["type"].Value;
        if (type.StartsWith("System.Nullable`1[")) type = type["System.Nullable`1[".Length..].TrimEnd(']');
        string expected = type switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Single" => "a number",
            "System.Boolean" => "true or false",
            var other => "a value of type " + other.Split('.')[^1].ToLowerInvariant(),
        };
        return $"{match.Groups["option"].Value}: '{match.Groups["value"].Value}' is not {expected}";
    }

    public static int Run(RootCommand root, string[] args, string program, TextWriter? output = null, TextWriter? error = null,
                          Func<ParseResult, TimeSpan?>? terminationTimeout = null)
    {
        var config = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
            {
                // One line per problem in the user's terms, not the full help and not .NET type names.
                foreach (var problem in parse.Errors) config.Error.WriteLine($"error: {Describe(problem.Message)}");
                config.Error.WriteLine($"(see: {program} {CommandPath(parse.CommandResult)}--help)");
                return 1;
            }
            if (terminationTimeout?.Invoke(parse) is { } drain) config.ProcessTerminationTimeout = drain;
            return parse.Invoke(config);
        }
        catch (TextTaggerException e)
        {
            config.Error.WriteLine($"error: {OptionFlags.Describe(e)}");
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
