using System.Text.Json;
using System.Text.Json.Serialization;
using TextTagger.ModelFiles;

namespace TextTagger.Calibration;

/// <summary>How a model's probabilities are recalibrated on tune rows (--calibration).</summary>
[JsonConverter(typeof(LowercaseEnumConverter<CalibrationMethod>))]
public enum CalibrationMethod
{
    /// <summary>The model's own probabilities.</summary>
    None,
    /// <summary>Per label, a logistic regression on the logit: p' = σ(a·logit(p) + b) (Platt 1999).</summary>
    Platt,
    /// <summary>Per label, one temperature: p' = σ(logit(p) / T) (Guo et al. 2017); the ranking is unchanged.</summary>
    Temperature,
}

/// <summary>One label's map of logits: z' = <paramref name="Slope"/>·z + <paramref name="Intercept"/> (a temperature T is
/// slope 1/T, intercept 0).</summary>
public sealed record LabelCalibration(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("slope")] double Slope,
    [property: JsonPropertyName("intercept")] double Intercept);

/// <summary>
/// A model directory's calibration.json: the per-label maps fit on tune rows, applied to the logits of every model kind
/// when it is loaded (<see cref="Inference.ModelLoader"/>), so predictions, thresholds and evaluations all see the
/// calibrated probabilities. Thresholds in thresholds.json are tuned on calibrated probabilities.
/// </summary>
public sealed record ModelCalibration(
    [property: JsonPropertyName("method")] CalibrationMethod Method,
    [property: JsonPropertyName("labels")] IReadOnlyList<LabelCalibration> Labels,
    [property: JsonPropertyName("tune_rows")] int TuneRows)
{
    public const string FileName = "calibration.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Each of <paramref name="labels"/>' map (identity for a label it does not list), in that order.</summary>
    public LabelCalibration[] For(IReadOnlyList<string> labels) =>
        labels.Select(l => Labels.FirstOrDefault(c => c.Label == l) ?? new LabelCalibration(l, 1, 0)).ToArray();

    /// <summary>Applies the maps to logits [rows, labels] in place.</summary>
    public static void Apply(float[,] logits, IReadOnlyList<LabelCalibration> maps)
    {
        for (int i = 0; i < logits.GetLength(0); i++)
            for (int l = 0; l < maps.Count; l++)
                logits[i, l] = (float)(maps[l].Slope * logits[i, l] + maps[l].Intercept);
    }

    /// <summary>The calibrated probability of a model's probability <paramref name="p"/>, computed as loading the model
    /// computes it: the float32 logit mapped, rounded to float32, then the sigmoid (so a threshold tuned on these values
    /// tags the same rows at inference; in double precision a row at the threshold could fall just below it).</summary>
    public static double Apply(double p, LabelCalibration map)
    {
        float z = (float)CalibrationFit.Logit(p);
        float mapped = (float)(map.Slope * z + map.Intercept);
        return 1.0 / (1.0 + Math.Exp(-mapped));
    }

    public void Write(string directory) =>
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Removes a calibration.json that no longer belongs to the model (refit with none).</summary>
    public static void Remove(string directory) => File.Delete(Path.Combine(directory, FileName));

    /// <summary>calibration.json of <paramref name="directory"/>, or null when there is none.</summary>
    public static ModelCalibration? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var read = JsonSerializer.Deserialize<ModelCalibration>(File.ReadAllText(path), Json);
            if (read?.Labels == null || read.Labels.Any(c => c is null || string.IsNullOrEmpty(c.Label)))
                throw new TextTaggerException($"{path}: needs method and labels [{{\"label\", \"slope\", \"intercept\"}}, …]");
            foreach (var c in read.Labels)
                if (!double.IsFinite(c.Slope) || !double.IsFinite(c.Intercept) || c.Slope <= 0)
                    throw new TextTaggerException($"{path}: '{c.Label}' needs a finite slope > 0 and a finite intercept, got {c.Slope}, {c.Intercept}");
            return read;
        }
        catch (JsonException e)
        {
            throw new TextTaggerException($"{path}: not a valid calibration file ({e.Message})", e);
        }
    }
}
