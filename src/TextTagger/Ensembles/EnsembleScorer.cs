using System.Runtime.ExceptionServices;
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
        // Members load at once: an ONNX session and an n-gram vocabulary take comparable time to read.
        var opened = new LoadedModel?[files.Members.Count];
        var failures = new Exception?[files.Members.Count];
        Parallel.For(0, files.Members.Count, m =>
        {
            try
            {
                string path = Path.GetFullPath(Path.Combine(directory, files.Members[m].Path));
                if (!path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new TextTaggerException($"{Path.Combine(directory, EnsembleFiles.FileName)}: member path {files.Members[m].Path} leaves the ensemble directory");
                opened[m] = ModelLoader.Open(request with { ModelPath = path, Labels = null });
            }
            catch (Exception e) { failures[m] = e; }
        });
        if (failures.FirstOrDefault(e => e != null) is { } failure)
        {
            foreach (var m in opened) m?.Scorer.Dispose();
            ExceptionDispatchInfo.Throw(failure);   // the first failing member's own error, whichever finished first
        }
        var members = opened.Select(m => m!).ToArray();
        try
        {
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

    /// <summary>The members score at once, each on its own thread: a transformer leaves cores idle between forward
    /// passes (tokenizing, padding, copying logits out), and the n-gram model's featurizing fills them. Progress is the
    /// members' mean; callbacks are serialised, so they need not be thread-safe.</summary>
    public TextScores Score(IReadOnlyList<string> texts, Action<int>? textsDone = null, Action<ScoredBatch>? batchScored = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var callbacks = new Lock();
        var done = new int[_members.Length];
        int reported = 0;
        Action<int>? MemberDone(int m) => textsDone == null ? null : n =>
        {
            lock (callbacks)
            {
                done[m] = n;
                int mean = (int)(done.Sum(d => (long)d) / _members.Length);
                if (mean > reported) textsDone(reported = mean);
            }
        };
        Action<ScoredBatch>? scoredOne = batchScored == null ? null : b => { lock (callbacks) batchScored(b); };

        var scored = new TextScores[_members.Length];
        var others = Enumerable.Range(1, _members.Length - 1)
            .Select(m => Task.Run(() => scored[m] = _members[m].Score(texts, MemberDone(m), scoredOne))).ToArray();
        Exception? failure = null;
        try { scored[0] = _members[0].Score(texts, MemberDone(0), scoredOne); }
        catch (Exception e) { failure = e; }
        // Every member has stopped before this returns or throws: a caller may dispose the scorer right after.
        try { Task.WaitAll(others); }
        catch (AggregateException e) { failure ??= e.InnerExceptions[0]; }
        if (failure != null) ExceptionDispatchInfo.Throw(failure);

        var logits = new float[texts.Count, LabelCount];
        var truncated = new bool[texts.Count];
        for (int m = 0; m < _members.Length; m++)
            for (int i = 0; i < texts.Count; i++)
            {
                truncated[i] |= scored[m].Truncated[i];
                for (int l = 0; l < LabelCount; l++)
                    logits[i, l] += (float)(_weights[l][m] * scored[m].Logits[i, _labelOfMember[m][l]]);
            }
        return new TextScores(logits, truncated);
    }

    public void Dispose()
    {
        foreach (var member in _members) member.Dispose();
    }
}
