using TextTagger.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace TextTagger.Modeling.Pretrained;

/// <summary>
/// A <see cref="BertForMaskedLM"/> with its tokenizer files: <see cref="Load"/> takes the encoder from "minilm" or a
/// Hugging Face BERT directory (through <see cref="PretrainedModel.Load"/>) and the MLM head from the directory's
/// <c>cls.predictions.*</c> when it has one, else BERT's initialisation (all-MiniLM-L6-v2 ships no MLM head).
/// <see cref="Save"/> writes a Hugging Face directory that `train --model DIR` fine-tunes from.
/// </summary>
public sealed class MaskedLmModel : IDisposable
{
    const string HeadPrefix = "cls.predictions.";
    static readonly string[] HeadTensors = ["bias", "transform.dense.weight", "transform.dense.bias", "transform.LayerNorm.weight", "transform.LayerNorm.bias"];

    MaskedLmModel(BertForMaskedLM model, PretrainedModel source, Dictionary<string, Tensor> pooler, bool headInitialised)
    {
        Model = model;
        Source = source;
        _pooler = pooler;
        HeadInitialised = headInitialised;
    }

    readonly Dictionary<string, Tensor> _pooler;
    public BertForMaskedLM Model { get; }
    /// <summary>The loaded encoder as fine-tuning sees it (vocabulary, casing, where it came from).</summary>
    public PretrainedModel Source { get; }
    /// <summary>True when the MLM head was newly initialised (the checkpoint had none).</summary>
    public bool HeadInitialised { get; }

    public static MaskedLmModel Load(string minilmOrDirectory)
    {
        var source = PretrainedModel.Load(minilmOrDirectory);
        var config = source.Config.Clone();
        var model = new BertForMaskedLM(config);
        try
        {
            var encoder = source.Model.Bert.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            using (no_grad())
                foreach (var (name, parameter) in model.Bert.named_parameters()) parameter.copy_(encoder[name]);
            // The MLM leaves the pooler alone; a cls-pooling fine-tune needs it, so it is carried over unchanged.
            var pooler = config.Pooling == PoolingMode.Cls
                ? encoder.Where(p => p.Key.StartsWith("pooler.")).ToDictionary(p => "bert." + p.Key, p => (Tensor)p.Value)
                : [];
            bool loaded = LoadHead(model, source.Source);
            if (!loaded) model.ResetHead();
            model.train();
            return new MaskedLmModel(model, source, pooler, !loaded);
        }
        catch
        {
            model.Dispose();
            source.Dispose();
            throw;
        }
    }

    /// <summary>Copies cls.predictions.* from a directory checkpoint that has them (TF-style gamma/beta accepted).</summary>
    static bool LoadHead(BertForMaskedLM model, ModelSource source)
    {
        if (source.Kind != ModelSourceKind.Directory) return false;
        using var weights = HfCheckpoint.Open(source.Directory).OpenWeights();
        var names = weights.Names.ToHashSet();
        string? FileName(string tensor)
        {
            string name = HeadPrefix + tensor;
            if (names.Contains(name)) return name;
            string old = name.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta");
            return names.Contains(old) ? old : null;
        }
        var found = HeadTensors.Select(FileName).ToArray();
        if (found.Any(f => f is null)) return false;
        var targets = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        for (int i = 0; i < HeadTensors.Length; i++)
        {
            var target = targets[HeadPrefix + HeadTensors[i]];
            if (!weights.Shape(found[i]!).SequenceEqual(target.shape))
                throw new TextTaggerException($"{source.WeightsPath}: {found[i]} is [{string.Join(", ", weights.Shape(found[i]!))}], expected [{string.Join(", ", target.shape)}]");
            weights.CopyTo(found[i]!, target);
        }
        return true;
    }

    /// <summary>Writes (atomically) config.json (BertForMaskedLM, no labels), vocab.txt, tokenizer_config.json and
    /// model.safetensors: bert.* (with the carried pooler), cls.predictions.* — the tied decoder weight stored once, as
    /// the word embeddings, as Hugging Face stores it; <paramref name="extraFiles"/> adds files (pretrain.json).</summary>
    public void Save(string directory, Action<string>? extraFiles = null) =>
        AtomicDirectory.Write(directory, temp =>
        {
            var config = Model.Config.Clone();
            config.Architectures = ["BertForMaskedLM"];
            config.Id2Label = null;
            config.Label2Id = null;
            config.ProblemType = null;
            config.Save(Path.Combine(temp, ModelDirectory.ConfigFile));
            File.Copy(Source.VocabPath, Path.Combine(temp, ModelDirectory.VocabFile));
            HfFiles.WriteTokenizerConfig(temp, Source.DoLowerCase, Source.MaxTokens ?? config.MaxPositionEmbeddings);
            var tensors = Model.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)).Concat(_pooler);
            SafetensorsFile.Write(Path.Combine(temp, ModelDirectory.SafetensorsFile), tensors);
            extraFiles?.Invoke(temp);
        });

    public void Dispose()
    {
        Model.Dispose();
        Source.Dispose();
    }
}
