using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace TextTagger.NGram.Featurizing;

/// <summary>
/// The first n-gram model's features (model format 1, ngram-featurizer.zip): ML.NET's FeaturizeText, word 1–n-grams
/// and character 1–n-grams, lower-cased, diacritics dropped, weighted by <see cref="NGramOptions.Weighting"/>,
/// L2-normalised, n-grams in fewer than <see cref="NGramOptions.MinCount"/> texts dropped.
/// </summary>
public sealed class MlNetFeaturizer : INGramFeaturizer
{
    public const string FileName = "ngram-featurizer.zip";
    const string TextColumn = "Text", FeaturesColumn = "Features";

    readonly MLContext _ml = new();
    readonly ITransformer _transformer;
    readonly DataViewSchema _inputSchema;
    readonly Lock _gate = new();   // ML.NET's context and views are not documented as thread-safe

    MlNetFeaturizer(ITransformer transformer, DataViewSchema inputSchema)
    {
        _transformer = transformer;
        _inputSchema = inputSchema;
        FeatureCount = transformer.GetOutputSchema(inputSchema)[FeaturesColumn].Type is VectorDataViewType vector ? vector.Size : 0;
    }

    public int FeatureCount { get; }

    public static MlNetFeaturizer Fit(IReadOnlyList<string> texts, NGramOptions o)
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t ?? "" }));
        return new MlNetFeaturizer(Estimator(ml, o).Fit(data), data.Schema);
    }

    public static MlNetFeaturizer Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new TextTaggerException($"{directory}: {FileName} is missing");
        try
        {
            var transformer = new MLContext().Model.Load(path, out var schema);
            return new MlNetFeaturizer(transformer, schema);
        }
        catch (Exception e) when (e is not TextTaggerException)
        {
            throw new TextTaggerException($"{path}: not an ML.NET model ({e.Message})", e);
        }
    }

    public void Save(string directory) => _ml.Model.Save(_transformer, _inputSchema, Path.Combine(directory, FileName));

    public SparseRow[] Featurize(IReadOnlyList<string> texts)
    {
        var rows = new SparseRow[texts.Count];
        lock (_gate)
        {
            var features = _transformer.Transform(_ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t ?? "" })));
            var column = features.Schema[FeaturesColumn];
            using var cursor = features.GetRowCursor([column]);
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> row = default;
            for (int i = 0; cursor.MoveNext(); i++)
            {
                getter(ref row);
                var values = row.GetValues().ToArray();
                var indices = row.IsDense ? [.. Enumerable.Range(0, values.Length)] : row.GetIndices().ToArray();
                rows[i] = new SparseRow(indices, values);
            }
        }
        return rows;
    }

    static IEstimator<ITransformer> Estimator(MLContext ml, NGramOptions o)
    {
        var weighting = o.Weighting switch
        {
            "idf" => NgramExtractingEstimator.WeightingCriteria.Idf,
            "tf" => NgramExtractingEstimator.WeightingCriteria.Tf,
            _ => NgramExtractingEstimator.WeightingCriteria.TfIdf,
        };
        return ml.Transforms.Text.FeaturizeText(FeaturesColumn, new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = true,
            KeepNumbers = true,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = o.WordNgrams, UseAllLengths = true, Weighting = weighting },
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = o.CharNgrams, UseAllLengths = true, Weighting = weighting },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        }, TextColumn)
        .Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount(FeaturesColumn, count: o.MinCount));
    }

    sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
