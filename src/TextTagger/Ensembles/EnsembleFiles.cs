using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextTagger.Ensembles;

/// <summary>One model of an ensemble: its folder inside the ensemble directory and where it was copied from.</summary>
public sealed record EnsembleMember([property: JsonPropertyName("path")] string Path, [property: JsonPropertyName("source")] string Source);

/// <summary>Where an ensemble's weights and thresholds were fit, and how.</summary>
/// <param name="Weighting">"per-label", "shared" or "equal" (see <see cref="EnsembleWeighting"/>).</param>
public sealed record EnsembleTuning([property: JsonPropertyName("file")] string? File, [property: JsonPropertyName("rows")] int Rows,
                                    [property: JsonPropertyName("weighting")] string Weighting);

/// <summary>
/// An ensemble directory: ensemble.json (members, per-label weights of their logits), thresholds.json, and each member
/// model directory copied under members/ — so the directory is self-contained and can be shipped as one unit.
/// </summary>
public sealed record EnsembleFiles(
    [property: JsonPropertyName("model_type")] string ModelType,
    [property: JsonPropertyName("labels")] IReadOnlyList<string> Labels,
    [property: JsonPropertyName("combine")] string Combine,
    [property: JsonPropertyName("members")] IReadOnlyList<EnsembleMember> Members,
    [property: JsonPropertyName("weights")] IReadOnlyDictionary<string, double[]> Weights,
    [property: JsonPropertyName("tuned_on")] EnsembleTuning TunedOn)
{
    public const string FileName = "ensemble.json";
    public const string MembersFolder = "members";
    public const string Kind = "ensemble";
    /// <summary>The ensemble's logit is the weighted sum of its members' logits (weights sum to 1 per label).</summary>
    public const string LogitCombine = "logit";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public void Write(string directory) =>
        File.WriteAllText(System.IO.Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json) + "\n");

    public static EnsembleFiles Read(string directory)
    {
        string path = System.IO.Path.Combine(directory, FileName);
        EnsembleFiles? files;
        try
        {
            files = JsonSerializer.Deserialize<EnsembleFiles>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new TextTaggerException($"{path}: not a valid ensemble description ({e.Message})", e);
        }
        if (files is not { ModelType: Kind } || files.Labels is not { Count: > 0 } || files.Members is not { Count: > 0 } || files.Weights == null)
            throw new TextTaggerException($"{path}: not a valid ensemble description (needs model_type \"{Kind}\", labels, members, weights)");
        if (files.Combine != LogitCombine) throw new TextTaggerException($"{path}: combine \"{files.Combine}\" is not supported (\"{LogitCombine}\")");
        foreach (var label in files.Labels)
            if (!files.Weights.TryGetValue(label, out var w) || w.Length != files.Members.Count)
                throw new TextTaggerException($"{path}: weights of '{label}' must list one number per member ({files.Members.Count})");
        return files;
    }
}
