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
}
