using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TextTagger.ModelFiles;

/// <summary>One label's rule as thresholds.json stores it: the threshold, the policy it was chosen for, and the
/// precision and recall it gave on the rows it was tuned on.</summary>
/// <param name="Policy">"f1", "precision:0.9", "recall:0.95"; null when the threshold was given, not tuned (the old file shape).</param>
/// <param name="Precision">On the tune rows; null when unknown or when no row there reached the threshold.</param>
/// <param name="TargetReached">False when no threshold met the policy's target on the tune rows and F1 chose it instead.</param>
public sealed record LabelThreshold(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("threshold")] float Threshold,
    [property: JsonPropertyName("policy")] string? Policy = null,
    [property: JsonPropertyName("precision")] double? Precision = null,
    [property: JsonPropertyName("recall")] double? Recall = null,
    [property: JsonPropertyName("target_reached")] bool TargetReached = true)
{
    /// <summary>"threat 0.412 (precision:0.9 on the tune rows: P 0.912, R 0.55)", or "threat 0.412" for a given threshold.</summary>
    public string Describe()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string text = string.Create(c, $"{Label} {Threshold:0.###}");
        if (Policy == null) return text;
        string measured = Precision is double p && Recall is double r ? string.Create(c, $": P {p:0.###}, R {r:0.###}") : "";
        return $"{text} ({Policy}{(TargetReached ? "" : " not reached, F1 chose")} on the tune rows{measured})";
    }
}

/// <summary>
/// A model directory's thresholds.json: one rule per label, in label order. The one shape every model kind
/// (TorchSharp, ONNX export, n-gram, ensemble) writes; the older shape {"label": threshold} is still read.
/// </summary>
public sealed record ModelThresholds([property: JsonPropertyName("labels")] IReadOnlyList<LabelThreshold> Labels)
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Given thresholds, without a policy (0.5 for a label missing from <paramref name="byLabel"/>).</summary>
    public static ModelThresholds Given(IReadOnlyList<string> labels, IReadOnlyDictionary<string, float>? byLabel) =>
        new(labels.Select(l => new LabelThreshold(l, byLabel != null && byLabel.TryGetValue(l, out var t) ? t : 0.5f)).ToArray());

    public bool TryGet(string label, out float threshold)
    {
        var rule = Find(label);
        threshold = rule?.Threshold ?? 0;
        return rule != null;
    }

    public LabelThreshold? Find(string label) => Labels.FirstOrDefault(r => r.Label == label);

    public Dictionary<string, float> ByLabel() => Labels.ToDictionary(r => r.Label, r => r.Threshold);

    public void Write(string directory) =>
        AtomicFile.WriteAllText(Path.Combine(directory, ModelDirectory.ThresholdsFile), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>thresholds.json of <paramref name="directory"/>, or null when there is none.</summary>
    public static ModelThresholds? Read(string directory)
    {
        string path = Path.Combine(directory, ModelDirectory.ThresholdsFile);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                       ?? throw new TextTaggerException($"{path}: expected a JSON object");
            if (root["labels"] is JsonArray)
            {
                var read = root.Deserialize<ModelThresholds>(Json);
                if (read?.Labels == null || read.Labels.Any(r => r is null || string.IsNullOrEmpty(r.Label)))
                    throw new TextTaggerException($"{path}: every entry of labels needs a label and a threshold");
                return Checked(read, path);
            }
            // The first shape: {"label": threshold, …}.
            var old = root.Deserialize<Dictionary<string, float>>() ?? throw new TextTaggerException($"{path} is empty.");
            return Checked(new ModelThresholds(old.Select(p => new LabelThreshold(p.Key, p.Value)).ToArray()), path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new TextTaggerException($"{path}: expected {{\"labels\": [{{\"label\": …, \"threshold\": …}}, …]}} or {{\"label\": threshold, …}} ({e.Message})", e);
        }
    }

    static ModelThresholds Checked(ModelThresholds thresholds, string path)
    {
        foreach (var rule in thresholds.Labels)
            if (!(rule.Threshold is >= 0 and <= 1))
                throw new TextTaggerException($"{path}: the threshold of '{rule.Label}' must be between 0 and 1, got {rule.Threshold}");
        return thresholds;
    }
}
