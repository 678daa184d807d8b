using System.Globalization;

namespace TextTagger.Evaluation;

/// <summary>What a label's threshold is chosen for on the tune rows.</summary>
public enum ThresholdGoal
{
    /// <summary>The best F1.</summary>
    F1,
    /// <summary>The most recall whose precision reaches the target ("remove threats at 90 % precision").</summary>
    Precision,
    /// <summary>The most precision whose recall reaches the target ("queue 95 % of toxic comments for a human").</summary>
    Recall,
}

/// <summary>One label's rule: <c>f1</c>, <c>precision:P</c> or <c>recall:R</c> (P, R in (0, 1]).</summary>
public sealed record ThresholdPolicy(ThresholdGoal Goal, double? Target = null)
{
    public static readonly ThresholdPolicy F1 = new(ThresholdGoal.F1);

    /// <param name="option">The options property the text came from, for the message.</param>
    public static ThresholdPolicy Parse(string text, string option)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':', 2);
        var goal = parts[0] switch
        {
            "f1" => ThresholdGoal.F1,
            "precision" => ThresholdGoal.Precision,
            "recall" => ThresholdGoal.Recall,
            _ => throw new InvalidOptionException(option, $"must be f1, precision:P or recall:R (optionally per label: label=precision:0.9,…), got '{text}'"),
        };
        if (goal == ThresholdGoal.F1)
            return parts.Length == 1 ? F1 : throw new InvalidOptionException(option, $"f1 takes no target, got '{text}'");
        if (parts.Length == 1 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double target) || !(target is > 0 and <= 1))
            throw new InvalidOptionException(option, $"{parts[0]} needs a target in (0, 1], e.g. {parts[0]}:0.9; got '{text}'");
        return new ThresholdPolicy(goal, target);
    }

    public override string ToString() => Goal switch
    {
        ThresholdGoal.F1 => "f1",
        _ => string.Create(CultureInfo.InvariantCulture, $"{Goal.ToString().ToLowerInvariant()}:{Target}"),
    };
}

/// <summary>
/// The rule of every label: one for all (<c>precision:0.9</c>), per label (<c>threat=precision:0.9,toxic=recall:0.95</c>),
/// or both (an entry without a label is the rule of the labels not named; F1 when none is given).
/// </summary>
public sealed class ThresholdPolicies
{
    public const string OptionName = "ThresholdPolicy";

    readonly Dictionary<string, ThresholdPolicy> _byLabel;

    ThresholdPolicies(ThresholdPolicy fallback, Dictionary<string, ThresholdPolicy> byLabel)
    {
        Default = fallback;
        _byLabel = byLabel;
    }

    public static ThresholdPolicies AllF1 { get; } = new(ThresholdPolicy.F1, []);

    /// <summary>The rule of the labels not named.</summary>
    public ThresholdPolicy Default { get; }

    public static ThresholdPolicies Parse(string? text, string option = OptionName)
    {
        if (string.IsNullOrWhiteSpace(text)) return AllF1;
        ThresholdPolicy? fallback = null;
        var byLabel = new Dictionary<string, ThresholdPolicy>(StringComparer.Ordinal);
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = entry.IndexOf('=');
            if (eq < 0)
            {
                if (fallback != null) throw new InvalidOptionException(option, $"gives the rule of all labels twice ('{text}')");
                fallback = ThresholdPolicy.Parse(entry, option);
                continue;
            }
            string label = entry[..eq].Trim();
            if (label.Length == 0) throw new InvalidOptionException(option, $"has an entry without a label: '{entry}'");
            if (!byLabel.TryAdd(label, ThresholdPolicy.Parse(entry[(eq + 1)..], option)))
                throw new InvalidOptionException(option, $"names '{label}' twice");
        }
        return new ThresholdPolicies(fallback ?? ThresholdPolicy.F1, byLabel);
    }

    /// <summary>Each label's rule, in the order of <paramref name="labels"/>; a rule for a label the model lacks is an error.</summary>
    public ThresholdPolicy[] For(IReadOnlyList<string> labels, string option = OptionName)
    {
        foreach (var named in _byLabel.Keys)
            if (!labels.Contains(named))
                throw new InvalidOptionException(option, $"names '{named}', which is not a label of the model ({string.Join(", ", labels)})");
        return labels.Select(l => _byLabel.TryGetValue(l, out var p) ? p : Default).ToArray();
    }

    public override string ToString() =>
        string.Join(",", (_byLabel.Count == 0 || Default != ThresholdPolicy.F1 ? [Default.ToString()] : Array.Empty<string>())
                             .Concat(_byLabel.Select(p => $"{p.Key}={p.Value}")));
}
