using static TorchSharp.torch;

namespace TextTagger.Modeling.Checkpoints;

/// <summary>A state dict already in memory (from a pickle file or a conversion); owns and disposes its tensors.</summary>
public sealed class InMemoryTensorSource(string description, IReadOnlyDictionary<string, Tensor> tensors) : ITensorSource
{
    public string Description => description;
    public IReadOnlyCollection<string> Names => tensors.Keys.ToList();
    public long[] Shape(string name) => tensors[name].shape;
    public Tensor Read(string name) => tensors[name].alias();

    public void Dispose()
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }
}
