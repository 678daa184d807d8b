using System.Diagnostics;
using TextTagger.Data;
using TextTagger.Tests.TestSupport;
using Xunit.Abstractions;

namespace TextTagger.Tests.Data;

public class SharedToxicCommentsTests(ITestOutputHelper log)
{
    [Fact]
    public void The_shared_jigsaw_file_loads_with_the_documented_counts()
    {
        CsvDatasetReader.Load(SharedData.ToxicCommentsCsv);   // warm-up (JIT), then time a second load
        var clock = Stopwatch.StartNew();
        var data = CsvDatasetReader.Load(SharedData.ToxicCommentsCsv);
        log.WriteLine($"loaded {data.Count} rows in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"], data.LabelNames);
        Assert.Equal(39_665, data.Count);
        Assert.Empty(data.Warnings);
        var stats = DatasetStats.Compute(data);
        Assert.Equal([8_529, 880, 4_691, 270, 4_346, 765], stats.Labels.Select(l => l.Positives));
        Assert.Equal(30_630, stats.UntaggedRows);
        Assert.All(data.Rows, row => Assert.Matches("^[0-9a-f]{16}$", row.Id));
        Assert.Contains(data.Rows, row => row.Text.Contains('\n'));   // multi-line fields survived
    }
}
