namespace TextTagger.NGram.Featurizing;

/// <summary>Turns texts into the sparse feature rows the per-label weights apply to.</summary>
public interface INGramFeaturizer
{
    int FeatureCount { get; }

    /// <summary>One row per text, in order. Safe to call from several threads at once.</summary>
    SparseRow[] Featurize(IReadOnlyList<string> texts);

    /// <summary>Writes the featurizer's file(s) into a model directory.</summary>
    void Save(string directory);
}
