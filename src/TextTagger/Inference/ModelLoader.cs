using TextTagger.Ensembles;
using TextTagger.Inference.Engines;
using TextTagger.NGram;
using TextTagger.Tokenization;

namespace TextTagger.Inference;

/// <summary>How <see cref="Tagger.Load"/> was asked to run a model (an ensemble passes it on to its members).</summary>
/// <param name="Labels">Labels for a fresh head (the bundled "minilm" only); null: the model's own.</param>
/// <param name="MaxTokens">Token limit of a transformer; null: the one it was trained with (else 512).</param>
public sealed record LoadRequest(IReadOnlyList<string>? Labels = null, int? MaxTokens = null, int BatchSize = Tagger.DefaultBatchSize,
                                 Precision Precision = Precision.Fp32, EngineKind Engine = EngineKind.Auto, int Threads = 0,
                                 int? MaxBatchTokens = null, LongTextMode LongTexts = LongTextMode.Truncate, int? WindowStride = null);

/// <summary>A model ready to score, with what the tagger needs besides: its labels, tuned thresholds and origin.</summary>
public sealed record LoadedModel(ITextScorer Scorer, IReadOnlyList<string> Labels, IReadOnlyDictionary<string, float>? Thresholds, string Source);

/// <summary>
/// Opens whatever a model directory holds: an ensemble (ensemble.json), the n-gram model (ngram.json), or a
/// transformer (config.json with TorchSharp weights and/or model.onnx, run by one of <see cref="InferenceEngines"/>).
/// </summary>
public static class ModelLoader
{
    public static LoadedModel Open(string model, LoadRequest request)
    {
        if (string.IsNullOrWhiteSpace(model)) throw new TextTaggerException("No model given: pass --model DIR.");
        if (Directory.Exists(model))
        {
            if (File.Exists(Path.Combine(model, EnsembleFiles.FileName))) return EnsembleScorer.Open(model, request);
            if (File.Exists(Path.Combine(model, NGramFiles.FileName))) return NGramScorer.Open(model, request);
        }
        return OpenTransformer(model, request);
    }

    static LoadedModel OpenTransformer(string model, LoadRequest r)
    {
        var loaded = InferenceEngines.Open(model, r.Engine, new EngineRequest(r.Labels, r.Precision, r.Threads));
        try
        {
            if (loaded.Labels.Count == 0)
                throw new TextTaggerException($"{model}: the model has no labels (config.json id2label); train one first or pass labels");
            var tokenizer = BertTokenizer.FromVocab(loaded.VocabPath, loaded.DoLowerCase);
            int limit = Math.Min(r.MaxTokens ?? loaded.MaxTokens ?? BertTokenizer.DefaultMaxTokens, loaded.MaxPositions);
            var scorer = new TransformerScorer(loaded.Engine, tokenizer, limit, r.BatchSize, r.MaxBatchTokens, r.LongTexts, r.WindowStride);
            return new LoadedModel(scorer, loaded.Labels, loaded.Thresholds, loaded.Source);
        }
        catch
        {
            loaded.Engine.Dispose();
            throw;
        }
    }
}
