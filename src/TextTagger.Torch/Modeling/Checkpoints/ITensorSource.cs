using static TorchSharp.torch;

namespace TextTagger.Modeling.Checkpoints;

/// <summary>A named set of tensors (a state dict) that can be read one tensor at a time.</summary>
public interface ITensorSource : IDisposable
{
    /// <summary>The file or origin, for messages.</summary>
    string Description { get; }
    IReadOnlyCollection<string> Names { get; }
    long[] Shape(string name);

    /// <summary>The tensor's values as a new tensor the caller disposes.</summary>
    Tensor Read(string name);

    /// <summary>Copies the tensor's values into <paramref name="destination"/> (same shape; dtype converted if needed).</summary>
    void CopyTo(string name, Tensor destination)
    {
        using var value = Read(name);
        using var noGrad = no_grad();
        destination.copy_(value);
    }
}
