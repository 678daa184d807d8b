using static TorchSharp.torch;

namespace TextTagger.Modeling.Checkpoints;

/// <summary>What <see cref="StateDictLoader"/> did: which optional parts came from the file, and what it warned about.</summary>
public sealed record StateDictLoadReport(int TensorsLoaded, bool ClassifierLoaded, bool PoolerLoaded, IReadOnlyList<string> Warnings);

/// <summary>
/// Copies a Hugging Face BERT state dict into <see cref="BertForMultiLabelClassification"/>, strictly: names with
/// or without the <c>bert.</c> prefix; TF-style <c>gamma</c>/<c>beta</c> accepted; <c>position_ids</c> and the
/// pre-training heads (<c>cls.*</c>) ignored; any other missing or unexpected tensor, or a shape mismatch, is an
/// error naming the tensors. A classifier head that is absent, of another size or for other labels is
/// re-initialised with a warning, as Hugging Face does. Tensors are read and copied one at a time.
/// </summary>
public static class StateDictLoader
{
    const string BertPrefix = "bert.";
    const string ClassifierPrefix = "classifier.";
    const string PoolerPrefix = "bert.pooler.";

    /// <param name="keepClassifier">false: the checkpoint's head is for other labels, do not use it.</param>
    public static StateDictLoadReport Load(BertForMultiLabelClassification model, ITensorSource source, bool keepClassifier = true)
    {
        var targets = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        foreach (var (name, buffer) in model.named_buffers()) targets[name] = buffer;

        var warnings = new List<string>();
        var mapped = new Dictionary<string, string>();      // model name → file name
        var unexpected = new List<string>();
        var ignored = new List<string>();
        var duplicates = new List<string>();
        foreach (var fileName in source.Names.OrderBy(n => n, StringComparer.Ordinal))
        {
            if (fileName.StartsWith("cls.") || fileName.EndsWith("position_ids")) { ignored.Add(fileName); continue; }
            string modelName = ModelName(fileName);
            if (!targets.ContainsKey(modelName)) unexpected.Add(fileName);
            else if (!mapped.TryAdd(modelName, fileName)) duplicates.Add(fileName);
        }
        if (ignored.Count > 0)
            warnings.Add($"{source.Description}: ignored {ignored.Count} tensor(s) not used by this model: {Names(ignored)}");

        var shapeErrors = new List<string>();
        foreach (var (modelName, fileName) in mapped.ToList())
        {
            var expected = targets[modelName].shape;
            var found = source.Shape(fileName);
            if (expected.SequenceEqual(found)) continue;
            if (modelName.StartsWith(ClassifierPrefix))
            {
                warnings.Add($"{source.Description}: classifier head {fileName} has shape [{string.Join(", ", found)}], " +
                             $"this model needs [{string.Join(", ", expected)}]: the head is newly initialised.");
                mapped.Remove(ClassifierPrefix + "weight");
                mapped.Remove(ClassifierPrefix + "bias");
            }
            else shapeErrors.Add($"{fileName} is [{string.Join(", ", found)}], expected [{string.Join(", ", expected)}]");
        }

        bool classifierInFile = mapped.ContainsKey(ClassifierPrefix + "weight") || mapped.ContainsKey(ClassifierPrefix + "bias");
        if (classifierInFile && !keepClassifier)
        {
            warnings.Add($"{source.Description}: the checkpoint's classifier head is for other labels: the head is newly initialised.");
            mapped.Remove(ClassifierPrefix + "weight");
            mapped.Remove(ClassifierPrefix + "bias");
        }

        var missing = targets.Keys.Where(k => !mapped.ContainsKey(k)).ToList();
        var missingEncoder = missing.Where(k => !k.StartsWith(ClassifierPrefix)).ToList();
        bool poolerMissing = missingEncoder.Any(k => k.StartsWith(PoolerPrefix));
        if (poolerMissing && model.PoolingMode == PoolingMode.Mean)
        {
            warnings.Add($"{source.Description}: no pooler weights; pooling is \"mean\", so the pooler is unused (initialised at random).");
            missingEncoder.RemoveAll(k => k.StartsWith(PoolerPrefix));
        }

        var problems = new List<string>();
        if (missingEncoder.Count > 0) problems.Add($"missing tensor(s): {Names(missingEncoder)}");
        if (unexpected.Count > 0) problems.Add($"unexpected tensor(s): {Names(unexpected)}");
        if (duplicates.Count > 0) problems.Add($"tensor(s) present both with and without the bert. prefix: {Names(duplicates)}");
        if (shapeErrors.Count > 0) problems.Add($"shape mismatch: {Names(shapeErrors)}");
        if (problems.Count > 0)
            throw new TextTaggerException($"{source.Description}: the checkpoint does not fit the configured BERT: {string.Join("; ", problems)}.");

        foreach (var (modelName, fileName) in mapped) source.CopyTo(fileName, targets[modelName]);

        bool classifierLoaded = mapped.ContainsKey(ClassifierPrefix + "weight") && mapped.ContainsKey(ClassifierPrefix + "bias");
        if (!classifierLoaded)
        {
            model.ResetClassifier();
            if (!classifierInFile && model.LabelCount > 0)
                warnings.Add($"{source.Description}: no classifier head in the checkpoint: the head ({model.LabelCount} labels) is newly initialised.");
        }
        if (poolerMissing) model.Bert.ResetPooler();
        return new StateDictLoadReport(mapped.Count, classifierLoaded, !poolerMissing, warnings);
    }

    /// <summary>A file's tensor name → this model's: "bert." added unless present (the head stays "classifier.*").</summary>
    static string ModelName(string fileName)
    {
        string name = fileName.EndsWith(".gamma") ? fileName[..^".gamma".Length] + ".weight"
                    : fileName.EndsWith(".beta") ? fileName[..^".beta".Length] + ".bias"
                    : fileName;
        return name.StartsWith(BertPrefix) || name.StartsWith(ClassifierPrefix) ? name : BertPrefix + name;
    }

    static string Names(List<string> names) =>
        names.Count <= 8 ? string.Join(", ", names) : string.Join(", ", names.Take(8)) + $" … and {names.Count - 8} more";
}
