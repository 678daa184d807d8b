using System.CommandLine;
using TextTagger.Calibration;

namespace TextTagger.Cli;

/// <summary>--threshold-policy and --calibration: how train, ensemble and calibrate fit thresholds and calibration on
/// tune rows (<see cref="ModelTuning"/>).</summary>
sealed class TuningFlags
{
    public Option<string> ThresholdPolicy { get; } = new("--threshold-policy")
    {
        Description = "How each label's threshold is chosen on the tune rows: f1, precision:P (the most recall at precision ≥ P) or recall:R " +
                      "(the most precision at recall ≥ R); for all labels, per label (threat=precision:0.9,toxic=recall:0.95), or both",
        DefaultValueFactory = _ => "f1",
    };
    public Option<string> Calibration { get; } = new("--calibration")
    {
        Description = "Per-label calibration fit on the tune rows and stored with the model: none, platt (σ(a·logit(p)+b)) or temperature (σ(logit(p)/T))",
        DefaultValueFactory = _ => "none",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(ThresholdPolicy);
        command.Options.Add(Calibration);
    }

    public TuningOptions Options(ParseResult parse)
    {
        var options = new TuningOptions
        {
            ThresholdPolicy = parse.GetValue(ThresholdPolicy)!,
            Calibration = LowercaseEnumConverter<CalibrationMethod>.Parse(parse.GetValue(Calibration), "--calibration"),
        };
        options.Validate();
        return options;
    }
}
