using TextTagger.Inference;

namespace TextTagger.NGram;

/// <summary>The n-gram model as a model directory kind: a directory with ngram.json. Found by the loader when this
/// assembly is in the app (<see cref="OptionalComponents"/>), or added with <see cref="NGramOptionsExtensions.UseNGram"/>.</summary>
public sealed class NGramFormat : IModelFormat
{
    public bool CanOpen(string model) => File.Exists(Path.Combine(model, NGramFiles.FileName));

    public LoadedModel Open(string model, TaggerOptions options) => NGramScorer.Open(model, options);
}

public static class NGramOptionsExtensions
{
    /// <summary>Lets these options open n-gram model directories (and ensembles with an n-gram member).</summary>
    public static TaggerOptions UseNGram(this TaggerOptions options)
    {
        if (!options.Formats.Any(f => f is NGramFormat)) options.Formats.Add(new NGramFormat());
        return options;
    }
}
