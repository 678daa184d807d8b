using TextTagger.Calibration;
using TextTagger.Ensembles;
using TextTagger.Inference.Engines;
using TextTagger.Tokenization;

namespace TextTagger.Inference;

/// <summary>A model ready to score, with what the tagger needs besides: its labels, tuned thresholds and origin.</summary>
public sealed record LoadedModel(ITextScorer Scorer, IReadOnlyList<string> Labels, ModelFiles.ModelThresholds? Thresholds, string Source);

/// <summary>
/// Opens whatever a model directory holds: an ensemble (ensemble.json), another kind an <see cref="IModelFormat"/>
/// knows (the n-gram model), or a transformer (config.json with TorchSharp weights and/or model.onnx, run by an
/// <see cref="IEngineProvider"/>). Formats and engines come from the options, then from the optional TextTagger
/// assemblies the app carries (<see cref="OptionalComponents"/>): nothing is registered process-wide.
/// </summary>
public static class ModelLoader
{
    public static LoadedModel Open(TaggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string model = options.ModelPath;
        var loaded = OpenUncalibrated(options);
        // Every model kind calibrates the same way: the directory's calibration.json maps the logits its scorer returns
        // (an ensemble's members apply their own when they are opened, the ensemble its own on the combined logits).
        if (!options.ApplyCalibration || !Directory.Exists(model) || ModelCalibration.Read(model) is not { } calibration) return loaded;
        return loaded with { Scorer = new CalibratedScorer(loaded.Scorer, calibration.For(loaded.Labels)) };
    }

    static LoadedModel OpenUncalibrated(TaggerOptions options)
    {
        string model = options.ModelPath;
        if (Directory.Exists(model))
        {
            if (File.Exists(Path.Combine(model, EnsembleFiles.FileName))) return EnsembleScorer.Open(model, options);
            foreach (var format in options.Formats.Concat(OptionalComponents.Formats))
                if (format.CanOpen(model)) return format.Open(model, options);
        }
        return OpenTransformer(options);
    }

    static LoadedModel OpenTransformer(TaggerOptions o)
    {
        var loaded = InferenceEngines.Open(o);
        try
        {
            if (loaded.Labels.Count == 0)
                throw new TextTaggerException($"{o.ModelPath}: the model has no labels (config.json id2label); train one first or pass labels");
            var tokenizer = BertTokenizer.FromVocab(loaded.VocabPath, loaded.DoLowerCase);
            int limit = Math.Min(o.MaxTokens ?? loaded.MaxTokens ?? BertTokenizer.DefaultMaxTokens, loaded.MaxPositions);
            var scorer = new TransformerScorer(loaded.Engine, tokenizer, limit, o.BatchSize, o.MaxBatchTokens, o.LongTexts, o.WindowStride);
            return new LoadedModel(scorer, loaded.Labels, loaded.Thresholds, loaded.Source);
        }
        catch
        {
            loaded.Engine.Dispose();
            throw;
        }
    }
}
