using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TextTagger.Data;
using TextTagger.Inference;

namespace TextTagger.Training;

/// <summary>
/// Distillation's data step: a teacher model directory (anything <see cref="ModelLoader"/> opens — a transformer, the
/// n-gram model, an ensemble) scores the training rows once, and each training row's target becomes
/// A·teacher probability + (1 − A)·hard label per label. Only training rows are scored: tune and validation rows keep
/// their hard labels for thresholds, early stopping and evaluation. The probabilities are cached in the output folder
/// (<see cref="CacheFile"/>, keyed by a hash of the teacher's files and the rows), so a resumed or repeated run does not score again.
/// </summary>
public sealed class TeacherTargets
{
    public const string CacheFile = "teacher-probabilities.csv";
    const string KeyPrefix = "# key ";
    const int ChunkRows = 512;

    TeacherTargets(IReadOnlyDictionary<int, float[]> bySourceLine, string kind, bool fromCache)
    {
        _bySourceLine = bySourceLine;
        Kind = kind;
        FromCache = fromCache;
    }

    readonly IReadOnlyDictionary<int, float[]> _bySourceLine;
    /// <summary>What the teacher is, for the summary (e.g. "ensemble, calibrated probabilities").</summary>
    public string Kind { get; }
    /// <summary>Whether the probabilities came from <see cref="CacheFile"/> rather than from scoring.</summary>
    public bool FromCache { get; }

    /// <summary>The teacher's probabilities of each training row (by its line in the data file), scored or read from the cache.</summary>
    /// <param name="threads">The teacher's inference threads (0: one per core), as the run's --threads.</param>
    public static TeacherTargets Score(string teacherDirectory, LabeledDataset trainRows, string outputDirectory, Action<string> message, int threads = 0)
    {
        if (!Directory.Exists(teacherDirectory)) throw new TextTaggerException($"--teacher {teacherDirectory}: no such model directory");
        var rows = trainRows.Rows.DistinctBy(r => r.SourceLine).ToArray();   // over-sampled rows are repeats: score each once
        string key = Key(teacherDirectory, rows);
        string cachePath = Path.Combine(outputDirectory, CacheFile);
        if (ReadCache(cachePath, key, trainRows.LabelNames.Count) is { } cached)
        {
            message($"teacher: {cached.Probabilities.Count:N0} training rows' probabilities from {cachePath} (not scored again)");
            return new TeacherTargets(cached.Probabilities, cached.Kind, fromCache: true);
        }

        LoadedModel teacher;
        try { teacher = ModelLoader.Open(new TaggerOptions { ModelPath = teacherDirectory, Threads = threads }.UseTorchSharp()); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new TextTaggerException($"--teacher {teacherDirectory}: not a model directory the loader opens ({FirstLine(e.Message)})");
        }
        using var scorer = teacher.Scorer;
        if (!teacher.Labels.SequenceEqual(trainRows.LabelNames))
            throw new TextTaggerException($"--teacher {teacherDirectory}: its labels ({string.Join(", ", teacher.Labels)}) are not the data's " +
                                          $"({string.Join(", ", trainRows.LabelNames)}), in names and order");
        bool calibrated = File.Exists(Path.Combine(teacherDirectory, TextTagger.Calibration.ModelCalibration.FileName));
        string kind = $"{KindOf(teacherDirectory, teacher)}, {(calibrated ? "calibrated" : "raw")} probabilities";
        message($"teacher: {teacherDirectory} ({kind}) scores {rows.Length:N0} training rows");

        var probabilities = new Dictionary<int, float[]>(rows.Length);
        foreach (var chunk in rows.Chunk(ChunkRows))
        {
            var logits = scorer.Score(chunk.Select(r => r.Text).ToArray()).Logits;
            for (int i = 0; i < chunk.Length; i++)
            {
                var p = new float[trainRows.LabelNames.Count];
                for (int l = 0; l < p.Length; l++) p[l] = 1f / (1f + MathF.Exp(-logits[i, l]));
                probabilities[chunk[i].SourceLine] = p;
            }
            message($"teacher: {probabilities.Count:N0} / {rows.Length:N0} rows scored");
        }
        WriteCache(cachePath, key, kind, rows, probabilities, trainRows.LabelNames);
        return new TeacherTargets(probabilities, kind, fromCache: false);
    }

    /// <summary>Per training row (in <paramref name="trainRows"/>' order): A·teacher + (1 − A)·hard label.</summary>
    public float[][] Targets(LabeledDataset trainRows, double weight) =>
        trainRows.Rows.Select(r =>
        {
            var teacher = _bySourceLine[r.SourceLine];
            return teacher.Select((p, l) => (float)(weight * p + (1 - weight) * r.Labels[l])).ToArray();
        }).ToArray();

    /// <summary>The ids (or data-file lines) of the rows a cache file holds — what the teacher saw.</summary>
    public static IReadOnlyList<string> CachedRowIds(string outputDirectory) =>
        File.ReadLines(Path.Combine(outputDirectory, CacheFile)).Skip(3).Select(line => line.Split(',')[1]).ToArray();

    /// <summary>"ensemble", "transformer" (config.json: TorchSharp weights or model.onnx), or what another format says it is.</summary>
    static string KindOf(string directory, LoadedModel teacher) =>
        File.Exists(Path.Combine(directory, TextTagger.Ensembles.EnsembleFiles.FileName)) ? "ensemble"
        : File.Exists(Path.Combine(directory, TextTagger.ModelFiles.ModelDirectory.ConfigFile)) ? "transformer"
        : FirstLine(teacher.Source);

    /// <summary>SHA-256 over the teacher directory's files (names and contents) and the rows' lines and texts.</summary>
    static string Key(string teacherDirectory, IReadOnlyList<LabeledText> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(teacherDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(teacherDirectory, file) + "\n" + TrainingCheckpoint.Fingerprint(file) + "\n"));
        }
        foreach (var row in rows) hash.AppendData(Encoding.UTF8.GetBytes($"{row.SourceLine}\t{row.Text}\n"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static void WriteCache(string path, string key, string kind, IReadOnlyList<LabeledText> rows,
                           IReadOnlyDictionary<int, float[]> probabilities, IReadOnlyList<string> labels)
    {
        var csv = new StringBuilder();
        csv.Append(KeyPrefix).Append(key).Append('\n');
        csv.Append("# kind ").Append(kind.Replace('\n', ' ')).Append('\n');
        csv.Append("line,id,").AppendJoin(',', labels).Append('\n');
        foreach (var row in rows)
        {
            csv.Append(row.SourceLine).Append(',').Append(CsvId(row)).Append(',');
            csv.AppendJoin(',', probabilities[row.SourceLine].Select(p => p.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllText(path, csv.ToString());
    }

    /// <summary>The cache's probabilities if it was written for this teacher and these rows (null: absent or stale).</summary>
    static (Dictionary<int, float[]> Probabilities, string Kind)? ReadCache(string path, string key, int labelCount)
    {
        if (!File.Exists(path)) return null;
        using var reader = new StreamReader(path);
        if (reader.ReadLine() != KeyPrefix + key) return null;
        string kind = reader.ReadLine()?.Replace("# kind ", "") ?? "";
        reader.ReadLine();   // header
        var probabilities = new Dictionary<int, float[]>();
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(',');
            if (fields.Length != labelCount + 2) return null;
            probabilities[int.Parse(fields[0], CultureInfo.InvariantCulture)] =
                fields.Skip(2).Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        }
        return (probabilities, kind);
    }

    /// <summary>The row's id with commas taken out (the cache is a plain CSV); its data-file line when it has none.</summary>
    static string CsvId(LabeledText row) => row.Id?.Replace(',', ';').Replace('\n', ' ') ?? $"line{row.SourceLine}";

    static string FirstLine(string text) => text.Split('\n')[0].TrimEnd();
}
