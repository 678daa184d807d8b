namespace TextTagger.Tests.TestSupport;

/// <summary>
/// libtorch's random generator (weight init, dropout) and thread count are process-wide, and so is the environment
/// (the modeling tests point TEXTTAGGER_CACHE at a temporary cache while they run); xunit runs test classes in
/// parallel. Tests that train join this collection: it runs on its own, after the parallel tests, so no other test
/// draws from the generator or swaps the model cache in the middle of theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomCollection
{
    public const string Name = "Alone with libtorch's global random generator";
}
