namespace TextTagger.Tests.TestSupport;

/// <summary>
/// libtorch's random generator (weight init, dropout) and thread count are process-wide, and so is the environment
/// (the modeling tests point TEXTTAGGER_CACHE at a temporary cache while they run); xunit runs test classes in
/// parallel. Every test that seeds libtorch's global generator, draws from it and looks at what it drew (dropout,
/// a new head), or trains, joins this collection: it runs on its own, after the parallel tests, so no other test
/// draws from the generator (loading any model does: module constructors initialise their weights) or swaps the model
/// cache in the middle of theirs. Tests elsewhere draw from generators of their own
/// (<see cref="TinyModelDirectory.SeededModel"/>). <see cref="TorchRandomRuleTests"/> enforces it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomCollection
{
    public const string Name = "Alone with libtorch's global random generator";
}
