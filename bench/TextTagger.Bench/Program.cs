using System.Diagnostics;
using System.Reflection;
using TextTagger.Bench;
using TextTagger.Bench.Benchmarks;

IBenchmark[] benchmarks =
[
    new TokenizerBenchmark(), new TrainStepBenchmark(), new InferBenchmark(), new FlopsBenchmark(), new CompareBenchmark(),
    new ServeLoadBenchmark(), new EnginesBenchmark(), new FusionBenchmark(), new ExplainBenchmark(), new FaithfulnessBenchmark(), new PageBenchmark(), new StreamBenchmark(),
    new GuardrailsBenchmark(), new ModelsCostBenchmark(),
];

var chosen = args.Length > 0 ? benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
if (chosen == null)
{
    Console.Error.WriteLine("usage: TextTagger.Bench NAME [options]");
    foreach (var b in benchmarks) Console.Error.WriteLine($"  {b.Name,-12} {b.Description}");
    return 2;
}
if (typeof(Program).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
    Console.Error.WriteLine("warning: a Debug build; run with -c Release for numbers worth keeping");
try
{
    return chosen.Run(args[1..]);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{chosen.Name}: {e.Message}");
    return 2;
}
