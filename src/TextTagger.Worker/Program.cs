using System.CommandLine;
using TextTagger.Worker;

// The worker without the CLI (and without libtorch): the same options as `texttagger worker`, the same error handling.
var root = WorkerCommands.ConfigureWorker(new RootCommand("TextTagger stream worker: scores a Redis stream with a consumer group."));
return CommandLineShell.Run(root, args, "TextTagger.Worker", terminationTimeout: parse => WorkerCommands.TerminationTimeout(parse));
