namespace TextTagger.Tests.TestSupport;

/// <summary>
/// libtorch's random generator (weight init, dropout) and thread count are process-wide, and xunit runs test classes
/// in parallel. Tests that assert bit-identical runs for a seed join this collection: it runs on its own, after the
/// parallel tests, so no other test draws from the generator in the middle of theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomCollection
{
    public const string Name = "Alone with libtorch's global random generator";
}
