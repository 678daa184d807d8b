using TextTagger.Evaluation;
using TextTagger.ModelFiles;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Evaluation;

public class ThresholdPolicyTests
{
    static readonly string[] Labels = ["toxic", "threat", "insult"];

    [Fact]
    public void One_rule_for_all_labels_per_label_rules_and_both()
    {
        Assert.Equal(["f1", "f1", "f1"], ThresholdPolicies.Parse(null).For(Labels).Select(p => p.ToString()));
        Assert.Equal(["precision:0.9", "precision:0.9", "precision:0.9"], ThresholdPolicies.Parse("precision:0.9").For(Labels).Select(p => p.ToString()));
        Assert.Equal(["recall:0.95", "precision:0.9", "f1"],
                     ThresholdPolicies.Parse("threat=precision:0.9, toxic=recall:0.95").For(Labels).Select(p => p.ToString()));
        Assert.Equal(["recall:0.8", "precision:0.9", "recall:0.8"],
                     ThresholdPolicies.Parse("recall:0.8,threat=precision:0.9").For(Labels).Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("precision", "precision needs a target in (0, 1]")]
    [InlineData("precision:1.5", "precision needs a target in (0, 1]")]
    [InlineData("recall:0", "recall needs a target in (0, 1]")]
    [InlineData("f1:0.5", "f1 takes no target")]
    [InlineData("accuracy:0.9", "must be f1, precision:P or recall:R")]
    [InlineData("f1,recall:0.5", "gives the rule of all labels twice")]
    [InlineData("threat=f1,threat=recall:0.5", "names 'threat' twice")]
    [InlineData("=f1", "has an entry without a label")]
    [InlineData("spam=precision:0.9", "names 'spam', which is not a label of the model")]
    public void A_bad_policy_names_the_option_property(string text, string problem)
    {
        var error = Assert.Throws<InvalidOptionException>(() => ThresholdPolicies.Parse(text).For(Labels));
        Assert.Equal("ThresholdPolicy", error.Option);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void Precision_policy_takes_the_most_recall_at_the_target_and_recall_policy_the_highest_threshold()
    {
        // Scores high → low with truth 1 1 0 1 0 1 0 0: precision at each cut 1, 1, 2/3, 3/4, 3/5, 4/6, 4/7, 4/8.
        double[] scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2];
        bool[] truth = [true, true, false, true, false, true, false, false];
        var atP = ThresholdTuning.Tune("a", scores, truth, ThresholdPolicy.Parse("precision:0.7", "p"));
        Assert.Equal(LabelThresholds.ToStored(0.6), atP.Threshold);      // 3/4 ≥ 0.7 with recall 3/4; 4/6 < 0.7
        Assert.Equal((0.75, 0.75), (atP.Precision!.Value, atP.Recall!.Value));
        var atR = ThresholdTuning.Tune("a", scores, truth, ThresholdPolicy.Parse("recall:0.5", "p"));
        Assert.Equal(LabelThresholds.ToStored(0.8), atR.Threshold);      // the first cut with 2 of 4 positives
        Assert.Equal((1.0, 0.5), (atR.Precision!.Value, atR.Recall!.Value));
        Assert.All(new[] { atP, atR }, r => Assert.True(r.TargetReached));
    }

    [Fact]
    public void Thresholds_json_in_the_first_shape_is_still_read()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "thresholds.json"), """{"toxic": 0.25, "threat": 0.75}""");
        var read = ModelThresholds.Read(folder.Path)!;
        Assert.Equal(["toxic", "threat"], read.Labels.Select(r => r.Label));
        Assert.Equal([0.25f, 0.75f], read.Labels.Select(r => r.Threshold));
        Assert.All(read.Labels, r => Assert.Null(r.Policy));
    }

    [Fact]
    public void Thresholds_json_round_trips_rules_with_their_policy_and_tune_precision_and_recall()
    {
        using var folder = new TempFolder();
        var rules = new ModelThresholds([new LabelThreshold("toxic", 0.3f, "recall:0.9", 0.61, 0.9), new LabelThreshold("threat", 0.4f, "precision:0.95", 0.5, 0.2, false)]);
        rules.Write(folder.Path);
        string json = File.ReadAllText(Path.Combine(folder.Path, "thresholds.json"));
        Assert.Contains("\"target_reached\": false", json);
        Assert.Contains("\"policy\": \"precision:0.95\"", json);
        var back = ModelThresholds.Read(folder.Path)!;
        Assert.Equal(rules.Labels, back.Labels);
    }

    [Theory]
    [InlineData("""{"labels": [{"label": "toxic", "threshold": 1.5}]}""", "the threshold of 'toxic' must be between 0 and 1")]
    [InlineData("""{"labels": [{"threshold": 0.5}]}""", "every entry of labels needs a label")]
    [InlineData("""{"toxic": "high"}""", "thresholds.json: expected")]
    [InlineData("""[0.5]""", "expected a JSON object")]
    public void A_bad_thresholds_json_is_one_line_naming_the_file(string content, string problem)
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "thresholds.json"), content);
        var error = Assert.Throws<TextTaggerException>(() => ModelThresholds.Read(folder.Path));
        Assert.Contains("thresholds.json", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
