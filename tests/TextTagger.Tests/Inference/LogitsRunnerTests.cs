using TextTagger.Inference;
using TextTagger.Inference.Engines;
using TextTagger.Tokenization;

namespace TextTagger.Tests.Inference;

public class LogitsRunnerTests
{
    /// <summary>Records each batch's shape and answers each row's real length as its logit.</summary>
    sealed class ShapeRecorder : IInferenceEngine
    {
        public List<(int Rows, int Sequence)> Batches { get; } = [];
        public string Name => "recorder";
        public Precision Precision => Precision.Fp32;
        public int LabelCount => 1;

        public float[] Forward(PaddedBatch batch)
        {
            Batches.Add((batch.BatchSize, batch.SequenceLength));
            return batch.Lengths.Select(l => (float)l).ToArray();
        }

        public void Dispose() { }
    }

    static long[] Row(int length) => Enumerable.Repeat(7L, length).ToArray();

    [Fact]
    public void Rows_are_sorted_cut_where_padding_would_grow_and_answered_in_input_order()
    {
        var engine = new ShapeRecorder();
        long[][] ids = [Row(210), Row(3), Row(200), Row(4)];
        var logits = LogitsRunner.Run(engine, ids, padId: 0, batchSize: 32);

        // 3 and 4 together; 200 would pad them to 200 (393 padding tokens, over the 256 allowance): a new batch.
        Assert.Equal([(2, 4), (2, 210)], engine.Batches);
        Assert.Equal([210f, 3f, 200f, 4f], Enumerable.Range(0, 4).Select(i => logits[i, 0]));
    }

    [Fact]
    public void Similar_lengths_fill_whole_batches_and_fixed_length_ignores_the_padding_rule()
    {
        var engine = new ShapeRecorder();
        var ids = Enumerable.Range(0, 70).Select(i => Row(100 + i % 5)).ToArray();
        LogitsRunner.Run(engine, ids, padId: 0, batchSize: 32);
        Assert.Equal([32, 32, 6], engine.Batches.Select(b => b.Rows));

        var fixedLength = new ShapeRecorder();
        LogitsRunner.Run(fixedLength, [Row(3), Row(250)], padId: 0, batchSize: 32, fixedLength: 256);
        Assert.Equal([(2, 256)], fixedLength.Batches);
    }
}
