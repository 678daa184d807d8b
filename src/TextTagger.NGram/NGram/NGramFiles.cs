using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using TextTagger.NGram.Featurizing;

namespace TextTagger.NGram;

/// <summary>
/// An n-gram model directory: ngram.json (format, labels, feature count, biases, options), the featurizer —
/// ngram-vocabulary.json (format 2: the TF-IDF vocabularies and idf) or ngram-featurizer.zip (format 1: the fitted
/// ML.NET featurizer) —, ngram-weights.bin (float32 weights, one row of features per label; for NB-SVM the weights
/// already carry the label's Naive Bayes ratios) and thresholds.json.
/// </summary>
public sealed record NGramFiles(
    [property: JsonPropertyName("model_type")] string ModelType,
    [property: JsonPropertyName("labels")] IReadOnlyList<string> Labels,
    [property: JsonPropertyName("feature_count")] int FeatureCount,
    [property: JsonPropertyName("bias")] IReadOnlyList<float> Bias,
    [property: JsonPropertyName("options")] NGramOptions Options,
    [property: JsonPropertyName("format")] int Format = 1)
{
    /// <summary>Format 1: ML.NET's featurizer (ngram-featurizer.zip, no "format" field); 2: <see cref="TfidfFeaturizer"/>.</summary>
    public const int TfidfFormat = 2;
    public const string FileName = "ngram.json";
    public const string WeightsFile = "ngram-weights.bin";
    public const string Kind = "ngram";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public void Write(string directory, float[][] weights)
    {
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json) + "\n");
        using var file = File.Create(Path.Combine(directory, WeightsFile));
        foreach (var row in weights) file.Write(MemoryMarshal.AsBytes(row.AsSpan()));
    }

    public static NGramFiles Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        NGramFiles? files;
        try
        {
            files = JsonSerializer.Deserialize<NGramFiles>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new TextTaggerException($"{path}: not a valid n-gram model description ({e.Message})", e);
        }
        if (files is not { ModelType: Kind } || files.Labels is not { Count: > 0 } || files.Bias?.Count != files.Labels.Count || files.FeatureCount < 1)
            throw new TextTaggerException($"{path}: not a valid n-gram model description (needs model_type \"{Kind}\", labels, bias per label, feature_count)");
        if (files.Format is not (1 or TfidfFormat))
            throw new TextTaggerException($"{path}: n-gram model format {files.Format} is not known to this version (1 or {TfidfFormat})");
        foreach (var part in new[] { files.FeaturizerFile, WeightsFile })
            if (!File.Exists(Path.Combine(directory, part))) throw new TextTaggerException($"{directory}: {part} is missing");
        return files;
    }

    /// <summary>The featurizer's file in this format.</summary>
    [JsonIgnore]
    public string FeaturizerFile => Format == TfidfFormat ? TfidfFeaturizer.FileName : MlNetFeaturizer.FileName;

    public INGramFeaturizer ReadFeaturizer(string directory) =>
        Format == TfidfFormat ? TfidfFeaturizer.Load(directory) : MlNetFeaturizer.Load(directory);

    public float[][] ReadWeights(string directory)
    {
        string path = Path.Combine(directory, WeightsFile);
        long expected = (long)Labels.Count * FeatureCount * sizeof(float);
        if (new FileInfo(path).Length != expected)
            throw new TextTaggerException($"{path}: {new FileInfo(path).Length:N0} bytes, expected {expected:N0} ({Labels.Count} labels × {FeatureCount:N0} features)");
        using var file = File.OpenRead(path);
        var weights = new float[Labels.Count][];
        for (int l = 0; l < weights.Length; l++)
        {
            weights[l] = new float[FeatureCount];
            file.ReadExactly(MemoryMarshal.AsBytes(weights[l].AsSpan()));
        }
        return weights;
    }
}
