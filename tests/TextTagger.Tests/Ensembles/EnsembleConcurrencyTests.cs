using TextTagger.Ensembles;
using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Inference.Explaining;

namespace TextTagger.Tests.Ensembles;

/// <summary>The members of an ensemble score at once; a failure in one surfaces only after all have stopped.</summary>
public class EnsembleConcurrencyTests
{
    /// <summary>Scores every text with one constant logit per label, calling <paramref name="during"/> mid-way.</summary>
    sealed class ConstantScorer(float logit, Action during) : ITextScorer
    {
        public volatile bool Finished;
        public int LabelCount => 2;
        public string EngineName => "constant";
        public Precision Precision => Precision.Fp32;
        public int? MaxTokens => null;
        public int CountTokens(string text) => 1;
        public int WordsSeen(string text, IReadOnlyList<WordSpan> words) => words.Count;

        public TextScores Score(IReadOnlyList<string> texts, Action<int>? textsDone = null, Action<ScoredBatch>? batchScored = null)
        {
            try
            {
                var logits = new float[texts.Count, LabelCount];
                for (int i = 0; i < texts.Count; i++)
                {
                    if (i == texts.Count / 2) during();
                    for (int l = 0; l < LabelCount; l++) logits[i, l] = logit * (l + 1);
                    textsDone?.Invoke(i + 1);
                    batchScored?.Invoke(new ScoredBatch(1, 1, 1));
                }
                return new TextScores(logits, new bool[texts.Count]);
            }
            finally { Finished = true; }
        }

        public void Dispose() { }
    }

    static EnsembleScorer Ensemble(params ITextScorer[] members) =>
        new(members, [.. members.Select(_ => new[] { 0, 1 })], [[0.25, 0.75], [0.5, 0.5]]);

    [Fact]
    public void Members_score_at_the_same_time_and_their_logits_are_weighted()
    {
        // Each member waits mid-way for the other: one after the other, the first would wait for ever.
        using var bothHalfway = new Barrier(2);
        void Meet() => Assert.True(bothHalfway.SignalAndWait(TimeSpan.FromSeconds(30)), "the other member never ran alongside");
        var progress = new List<int>();
        int batches = 0;
        using var ensemble = Ensemble(new ConstantScorer(1, Meet), new ConstantScorer(3, Meet));

        var scores = ensemble.Score(["a", "b", "c", "d"], progress.Add, _ => batches++);

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(0.25f * 1 + 0.75f * 3, scores.Logits[i, 0]);
            Assert.Equal(0.5f * 2 + 0.5f * 6, scores.Logits[i, 1]);
        }
        Assert.Equal(8, batches);
        Assert.Equal(progress.Order(), progress);   // the members' mean, never going back
        Assert.Equal(4, progress[^1]);
    }

    [Fact]
    public void A_failing_member_is_rethrown_as_itself_once_every_member_has_stopped()
    {
        using var slowStarted = new ManualResetEventSlim();
        var slow = new ConstantScorer(1, () => { slowStarted.Set(); Thread.Sleep(300); });
        var failing = new ConstantScorer(2, () =>
        {
            Assert.True(slowStarted.Wait(TimeSpan.FromSeconds(30)));
            throw new TextTaggerException("member broke");
        });
        using var ensemble = Ensemble(failing, slow);

        var e = Assert.Throws<TextTaggerException>(() => ensemble.Score(["a", "b", "c"]));

        Assert.Equal("member broke", e.Message);
        Assert.True(slow.Finished, "Score returned while a member was still running");
    }
}
