namespace TextTagger.Bench;

/// <summary>One benchmark, run as `TextTagger.Bench NAME [options]`. Add one file per benchmark under Benchmarks/
/// and register it in <see cref="Program"/>.</summary>
interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    int Run(string[] args);
}
