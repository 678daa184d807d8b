using TextTagger.Inference.Engines;

namespace TextTagger.Inference;

/// <summary>A kind of model directory that is not a transformer (those go through an <see cref="IEngineProvider"/>):
/// the n-gram model of TextTagger.NGram, for one.</summary>
public interface IModelFormat
{
    /// <summary>True when <paramref name="model"/> is a directory of this kind.</summary>
    bool CanOpen(string model);
    /// <summary>Opens it, with <paramref name="options"/> as given to the loader.</summary>
    LoadedModel Open(string model, TaggerOptions options);
}
