using System.CommandLine;
using TextTagger;
using TextTagger.Worker;

// The worker without the CLI (and without libtorch): the same options as `texttagger worker`.
var root = WorkerCommands.ConfigureWorker(new RootCommand("TextTagger stream worker: scores a Redis stream with a consumer group."));
var parse = root.Parse(args);
if (parse.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h"))
{
    foreach (var problem in parse.Errors) Console.Error.WriteLine($"error: {problem.Message}");
    return 1;
}
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = WorkerCommands.TerminationTimeout });
}
catch (TextTaggerException e)
{
    Console.Error.WriteLine($"error: {OptionFlags.Describe(e)}");
    return 1;
}
