using TextTagger.Calibration;
using TextTagger.Data;
using TextTagger.Evaluation;
using TextTagger.Inference;
using TextTagger.ModelFiles;

namespace TextTagger.Ensembles;

/// <summary>How <see cref="EnsembleBuilder"/> weights the members' logits.</summary>
public enum EnsembleWeighting
{
    /// <summary>Each label its own weights: the grid point with the best ROC AUC of that label on the tune rows.</summary>
    PerLabel,
    /// <summary>One set of weights for all labels: the best mean ROC AUC on the tune rows (steadier when a label has
    /// few positives there: on the shared data per-label weights gave severe_toxic, 44 tune positives, all to one
    /// member and lost 0.0014 of its validation AUROC; QUALITY.md). The command's default.</summary>
    Shared,
    /// <summary>The plain mean of the members' logits; the tune rows only set thresholds.</summary>
    Equal,
}

/// <summary>What building an ensemble chose and how each part scored on the tune rows.</summary>
/// <param name="Weights">[label][member].</param>
/// <param name="MemberRocAuc">[member][label] on the tune rows.</param>
public sealed record EnsembleResult(string Directory, IReadOnlyList<string> Labels, IReadOnlyList<string> Members, double[][] Weights,
                                    double?[][] MemberRocAuc, double?[] EnsembleRocAuc, int TuneRows);

/// <summary>
/// Builds an ensemble directory from saved models. Their logits on a labelled tune file — rows none of them trained on,
/// and not the rows the ensemble is then evaluated on, so the reported number is not flattered — choose the weights
/// (a grid over the simplex: steps of 0.05 for 2 members, 0.1 for 3, 1/6 for 4) and the per-label thresholds (by policy, F1 unless told; with an optional calibration first, see <see cref="ModelTuning"/>).
/// The members are copied in, so the directory is one self-contained model for every command.
/// </summary>
public static class EnsembleBuilder
{
    public const int MaxTunedMembers = 4;

    public static EnsembleResult Build(IReadOnlyList<string> memberDirectories, LabeledDataset tune, EnsembleWeighting weighting,
                                       string outDirectory, Action<string>? message = null, TuningOptions? tuning = null)
    {
        if (memberDirectories.Count < 2) throw new TextTaggerException("an ensemble needs at least two models (--models DIR1,DIR2)");
        if (weighting != EnsembleWeighting.Equal && memberDirectories.Count > MaxTunedMembers)
            throw new TextTaggerException($"tuned weights need at most {MaxTunedMembers} models; with {memberDirectories.Count} use --weights equal");
        if (tune.Count == 0) throw new TextTaggerException($"{tune.Source}: no rows to tune on");
        string outFull = Path.GetFullPath(outDirectory);
        foreach (var member in memberDirectories)
        {
            if (Path.GetFullPath(member).TrimEnd('/') == outFull) throw new TextTaggerException($"--out {outDirectory} is one of the members");
            if (!Directory.Exists(member)) throw new TextTaggerException($"Model directory {member} not found.");
        }

        IReadOnlyList<string>? labels = null;
        var logits = new List<float[,]>();
        foreach (var member in memberDirectories)
        {
            using var tagger = Tagger.Load(member);
            if (labels == null)
            {
                labels = tagger.Labels;
                tuning?.Policies().For(labels);   // a rule for a label the models lack fails before the scoring
            }
            var map = EnsembleScorer.MapLabels(labels, tagger.Labels, member);
            var own = tagger.PredictLogits(tune.Rows.Select(r => r.Text).ToArray());
            var ordered = new float[tune.Count, labels.Count];
            for (int i = 0; i < tune.Count; i++)
                for (int l = 0; l < labels.Count; l++) ordered[i, l] = own[i, map[l]];
            logits.Add(ordered);
            message?.Invoke($"scored {tune.Count:N0} tune rows with {member}");
        }
        var truth = Truth(tune, labels!);

        var weights = ChooseWeights(logits, truth, labels!.Count, weighting);
        var combined = Combine(logits, weights);
        var scores = LabelledScores.FromMatrix(LogitsRunner.Probabilities(combined), truth, labels);
        var tuned = ModelTuning.Fit(scores, tuning, message);

        var members = memberDirectories.Select((dir, i) => new EnsembleMember(
            Path.Combine(EnsembleFiles.MembersFolder, $"{i + 1}-{MemberName(dir)}"), Path.GetFullPath(dir))).ToArray();
        var files = new EnsembleFiles(EnsembleFiles.Kind, labels, EnsembleFiles.LogitCombine, members,
            labels.Select((l, i) => (l, weights[i])).ToDictionary(p => p.l, p => p.Item2),
            new EnsembleTuning(tune.Source, tune.Count, Name(weighting)));
        AtomicDirectory.Write(outDirectory, folder =>
        {
            foreach (var member in members) CopyDirectory(member.Source, Path.Combine(folder, member.Path));
            files.Write(folder);
            tuned.Write(folder);
        });

        var memberAuc = logits.Select(z => RocAuc(z, truth)).ToArray();
        return new EnsembleResult(outFull, labels, memberDirectories, weights, memberAuc, RocAuc(combined, truth), tune.Count);
    }

    public static string Name(EnsembleWeighting weighting) => weighting switch
    {
        EnsembleWeighting.PerLabel => "per-label",
        EnsembleWeighting.Shared => "shared",
        _ => "equal",
    };

    /// <summary>[label][member] weights, each row summing to 1.</summary>
    static double[][] ChooseWeights(List<float[,]> logits, bool[,] truth, int labels, EnsembleWeighting weighting)
    {
        int members = logits.Count;
        var equal = Enumerable.Repeat(1.0 / members, members).ToArray();
        if (weighting == EnsembleWeighting.Equal) return Enumerable.Range(0, labels).Select(_ => equal).ToArray();
        var grid = Simplex(members, members switch { 2 => 20, 3 => 10, _ => 6 }).ToArray();
        var truthColumns = Enumerable.Range(0, labels).Select(l => TruthColumn(truth, l)).ToArray();
        double? AucOf(double[] w, int label) => RankingMetrics.RocAuc(Column(logits, w, label), truthColumns[label]);
        double Distance(double[] w) => w.Select((x, i) => (x - equal[i]) * (x - equal[i])).Sum();

        if (weighting == EnsembleWeighting.Shared)
        {
            var best = grid.OrderByDescending(w => RankingMetrics.MeanOfDefined(Enumerable.Range(0, labels).Select(l => AucOf(w, l))) ?? 0)
                           .ThenBy(Distance).First();
            return Enumerable.Range(0, labels).Select(_ => best).ToArray();
        }
        return Enumerable.Range(0, labels)
            .Select(l => grid.OrderByDescending(w => AucOf(w, l) ?? 0).ThenBy(Distance).First())
            .ToArray();
    }

    /// <summary>Every weight vector of <paramref name="members"/> non-negative multiples of 1/<paramref name="steps"/> summing to 1.</summary>
    static IEnumerable<double[]> Simplex(int members, int steps)
    {
        IEnumerable<int[]> Parts(int left, int count) => count == 1
            ? [[left]]
            : Enumerable.Range(0, left + 1).SelectMany(first => Parts(left - first, count - 1).Select(rest => (int[])[first, .. rest]));
        return Parts(steps, members).Select(p => p.Select(x => (double)x / steps).ToArray());
    }

    static float[,] Combine(List<float[,]> logits, double[][] weights)
    {
        int rows = logits[0].GetLength(0), labels = weights.Length;
        var combined = new float[rows, labels];
        for (int l = 0; l < labels; l++)
        {
            var column = Column(logits, weights[l], l);
            for (int i = 0; i < rows; i++) combined[i, l] = (float)column[i];
        }
        return combined;
    }

    static double[] Column(List<float[,]> logits, double[] weights, int label)
    {
        var column = new double[logits[0].GetLength(0)];
        for (int m = 0; m < logits.Count; m++)
            for (int i = 0; i < column.Length; i++) column[i] += weights[m] * logits[m][i, label];
        return column;
    }

    static bool[] TruthColumn(bool[,] truth, int label) => Enumerable.Range(0, truth.GetLength(0)).Select(i => truth[i, label]).ToArray();

    static double?[] RocAuc(float[,] logits, bool[,] truth) =>
        Enumerable.Range(0, truth.GetLength(1))
            .Select(l => RankingMetrics.RocAuc(Enumerable.Range(0, logits.GetLength(0)).Select(i => (double)logits[i, l]).ToArray(), TruthColumn(truth, l)))
            .ToArray();

    static bool[,] Truth(LabeledDataset data, IReadOnlyList<string> labels)
    {
        var column = ModelEvaluation.MatchLabels(labels, data.LabelNames, data.Source);
        var truth = new bool[data.Count, labels.Count];
        for (int i = 0; i < data.Count; i++)
            for (int l = 0; l < labels.Count; l++) truth[i, l] = data.Rows[i].Labels[column[l]] == 1;
        return truth;
    }

    static string MemberName(string directory)
    {
        var full = Path.GetFullPath(directory).TrimEnd('/');
        string name = Path.GetFileName(full), parent = Path.GetFileName(Path.GetDirectoryName(full) ?? "");
        var joined = string.IsNullOrEmpty(parent) ? name : $"{parent}-{name}";
        return new string(joined.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
    }

    static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        foreach (var sub in Directory.GetDirectories(source)) CopyDirectory(sub, Path.Combine(target, Path.GetFileName(sub)));
    }
}
