using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Inference.Explaining;
using TextTagger.ModelFiles;

namespace TextTagger.Ensembles;

/// <summary>
/// Scores with several models at once: each member scores the texts with its own scorer (transformer, n-gram or
/// another ensemble), and each label's logit is the weighted sum of the members' logits for that label, with weights
/// fit on a tune split by <see cref="EnsembleBuilder"/>.
/// </summary>
public sealed class EnsembleScorer : ITextScorer
{
    readonly ITextScorer[] _members;
    readonly int[][] _labelOfMember;   // [member][ensemble label] → the member's own label index
    readonly double[][] _weights;      // [label][member]

    public EnsembleScorer(IReadOnlyList<ITextScorer> members, IReadOnlyList<int[]> labelOfMember, IReadOnlyList<double[]> weights)
    {
        if (members.Count == 0) throw new TextTaggerException("an ensemble needs at least one member");
        _members = [.. members];
        _labelOfMember = [.. labelOfMember];
        _weights = [.. weights];
    }

    public static LoadedModel Open(string directory, TaggerOptions request)
    {
        directory = Path.GetFullPath(directory);
        var files = EnsembleFiles.Read(directory);
        var members = new List<LoadedModel>();
        try
        {
            foreach (var member in files.Members)
            {
                string path = Path.GetFullPath(Path.Combine(directory, member.Path));
                if (!path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new TextTaggerException($"{Path.Combine(directory, EnsembleFiles.FileName)}: member path {member.Path} leaves the ensemble directory");
                members.Add(ModelLoader.Open(request with { ModelPath = path, Labels = null }));
            }
            var labelOfMember = members.Select(m => MapLabels(files.Labels, m.Labels, m.Source)).ToArray();
            var weights = files.Labels.Select(l => files.Weights[l]).ToArray();
            var scorer = new EnsembleScorer(members.Select(m => m.Scorer).ToArray(), labelOfMember, weights);
            return new LoadedModel(scorer, files.Labels, HfFiles.ReadThresholds(directory),
                                   $"ensemble {directory} of {string.Join(" + ", members.Select(m => m.Source))}");
        }
        catch
        {
            foreach (var m in members) m.Scorer.Dispose();
            throw;
        }
    }

    /// <summary>For each of <paramref name="labels"/>, its index among a member's labels.</summary>
    public static int[] MapLabels(IReadOnlyList<string> labels, IReadOnlyList<string> memberLabels, string member)
    {
        // Every member must have the ensemble's labels.
        return labels.Select(label => LabelLookup.IndexOf(memberLabels, label, member)).ToArray();
    }

    public IReadOnlyList<ITextScorer> Members => _members;
    public int LabelCount => _weights.Length;
    public string EngineName => $"ensemble({string.Join("+", _members.Select(m => m.EngineName))})";
    public Precision Precision => _members[0].Precision;
    /// <summary>The longest any member reads; null when one reads whole texts.</summary>
    public int? MaxTokens => _members.Any(m => m.MaxTokens == null) ? null : _members.Max(m => m.MaxTokens);
    public int CountTokens(string text) => _members.Max(m => m.CountTokens(text));
    public int WordsSeen(string text, IReadOnlyList<WordSpan> words) => _members.Max(m => m.WordsSeen(text, words));

    public TextScores Score(IReadOnlyList<string> texts, Action<int>? textsDone = null, Action<ScoredBatch>? batchScored = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var logits = new float[texts.Count, LabelCount];
        var truncated = new bool[texts.Count];
        for (int m = 0; m < _members.Length; m++)
        {
            int before = m * texts.Count;
            Action<int>? done = textsDone == null ? null : n => textsDone((before + n) / _members.Length);
            var scored = _members[m].Score(texts, done, batchScored);
            for (int i = 0; i < texts.Count; i++)
            {
                truncated[i] |= scored.Truncated[i];
                for (int l = 0; l < LabelCount; l++)
                    logits[i, l] += (float)(_weights[l][m] * scored.Logits[i, _labelOfMember[m][l]]);
            }
        }
        return new TextScores(logits, truncated);
    }

    public void Dispose()
    {
        foreach (var member in _members) member.Dispose();
    }
}
