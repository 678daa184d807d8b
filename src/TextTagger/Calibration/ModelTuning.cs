using TextTagger.Evaluation;
using TextTagger.ModelFiles;

namespace TextTagger.Calibration;

/// <summary>What is fit on the tune rows after a model is trained: --threshold-policy and --calibration.</summary>
public sealed record TuningOptions
{
    /// <summary>f1, precision:P or recall:R for all labels, and/or label=precision:P,… per label (see <see cref="ThresholdPolicies"/>).</summary>
    public string ThresholdPolicy { get; init; } = "f1";
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.None;

    public ThresholdPolicies Policies() => ThresholdPolicies.Parse(ThresholdPolicy, nameof(ThresholdPolicy));

    public void Validate()
    {
        Policies();
        if (!Enum.IsDefined(Calibration))
            throw new InvalidOptionException(nameof(Calibration), $"must be one of {string.Join(", ", LowercaseEnumConverter<CalibrationMethod>.Names)}, got '{Calibration}'");
    }
}

/// <summary>
/// The one home of "tune then write": fits the calibration on the tune rows' probabilities, then chooses each label's
/// threshold on the calibrated probabilities (<see cref="ThresholdTuning"/>). Used by transformer training, the n-gram
/// trainer, the ensemble builder and <c>texttagger calibrate</c>.
/// </summary>
public sealed record ModelTuning(ModelThresholds Thresholds, ModelCalibration? Calibration)
{
    /// <param name="tune">The model's own (uncalibrated) probabilities on the tune rows, with their truth.</param>
    public static ModelTuning Fit(LabelledScores tune, TuningOptions? options = null, Action<string>? warning = null)
    {
        options ??= new TuningOptions();
        options.Validate();
        var policies = options.Policies();
        policies.For(tune.LabelNames);   // a rule for an unknown label fails before any fitting
        if (options.Calibration == CalibrationMethod.None)
            return new ModelTuning(ThresholdTuning.Tune(tune, policies, warning), null);

        var maps = new LabelCalibration[tune.LabelCount];
        var calibrated = new double[tune.LabelCount][];
        var truth = new bool[tune.LabelCount][];
        for (int j = 0; j < maps.Length; j++)
        {
            var scores = tune.Scores(j);
            maps[j] = CalibrationFit.Fit(tune.LabelNames[j], scores, tune.Truth.Column(j), options.Calibration, warning);
            calibrated[j] = new double[scores.Length];
            for (int i = 0; i < scores.Length; i++) calibrated[j][i] = ModelCalibration.Apply(scores[i], maps[j]);
            truth[j] = tune.Truth.Column(j).ToArray();
        }
        var thresholds = ThresholdTuning.Tune(LabelledScores.FromColumns(calibrated, truth, tune.LabelNames), policies, warning);
        return new ModelTuning(thresholds, new ModelCalibration(options.Calibration, maps, tune.RowCount));
    }

    /// <summary>Writes thresholds.json and calibration.json (removing a stale calibration.json when there is none).</summary>
    public void Write(string directory)
    {
        if (Calibration != null) Calibration.Write(directory);
        else ModelCalibration.Remove(directory);
        Thresholds.Write(directory);
    }

    /// <summary>
    /// <c>texttagger calibrate</c>: refits <paramref name="directory"/>'s calibration and thresholds on
    /// <paramref name="tune"/>, scored with the model's own (uncalibrated) probabilities, and rewrites calibration.json,
    /// then thresholds.json, each atomically. Any model kind: the files sit in the directory the loader opens.
    /// </summary>
    public static ModelTuning Refit(string directory, Data.LabeledDataset tune, TuningOptions options, Action<string>? warning = null)
    {
        options.Validate();
        if (tune.Count == 0) throw new TextTaggerException($"{tune.Source}: no rows to fit on");
        LabelledScores scores;
        using (var tagger = Inference.Tagger.Load(new Inference.TaggerOptions { ModelPath = directory, ApplyCalibration = false }))
            scores = ModelEvaluation.Score(tagger, tune);
        var tuning = Fit(scores, options, warning);
        tuning.Write(directory);
        return tuning;
    }

    /// <summary>Copies a model directory's thresholds.json and calibration.json to another (an export of it).</summary>
    public static void Copy(string from, string to)
    {
        foreach (var name in new[] { ModelDirectory.ThresholdsFile, ModelCalibration.FileName })
            if (File.Exists(Path.Combine(from, name))) File.Copy(Path.Combine(from, name), Path.Combine(to, name), overwrite: true);
    }
}
