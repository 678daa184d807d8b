using TextTagger.Tests.Modeling;
using TextTagger.Tests.Training;

namespace TextTagger.Tests.TestSupport;

/// <summary>Every test class that seeds libtorch's global generator, draws from it or trains is in the serial
/// collection (see <see cref="TorchRandomCollection"/>), found by reading the test assembly's IL.</summary>
public sealed class TorchRandomRuleTests
{
    static readonly IReadOnlyDictionary<Type, IReadOnlyList<string>> Users = TorchRandomRules.Users(typeof(TorchRandomRuleTests).Assembly);

    static bool InSerialCollection(Type type) =>
        type.GetCustomAttributesData().Any(a => a.AttributeType == typeof(CollectionAttribute) && (string?)a.ConstructorArguments[0].Value == TorchRandomCollection.Name);

    /// <summary>Classes that run `texttagger train` in-process only with options it refuses before any model exists.</summary>
    static readonly Dictionary<Type, string> RefusedBeforeTraining = new()
    {
        [typeof(Streaming.FleetCommandErrorTests)] = "a bad --checkpoint-every is refused while parsing",
        [typeof(Inference.CliParseErrorTests)] = "a bad --epochs is refused while parsing",
    };

    [Fact]
    public void Every_test_class_that_seeds_draws_or_trains_with_libtorch_runs_in_the_serial_collection()
    {
        var outside = Users.Where(u => !InSerialCollection(u.Key) && !RefusedBeforeTraining.ContainsKey(u.Key))
            .Select(u => $"{u.Key.FullName}:\n    " + string.Join("\n    ", u.Value.Distinct().Take(3))).ToList();
        Assert.True(outside.Count == 0,
            $"these test classes use libtorch's global random generator in the parallel pool; add [Collection(TorchRandomCollection.Name)] " +
            $"or draw from a generator of their own (TinyModelDirectory.SeededModel):\n{string.Join("\n", outside)}");
    }

    /// <summary>The scan is not blind: it finds each way of using the generator in classes known to use it.</summary>
    [Theory]
    [InlineData(typeof(HashDropoutTests), "seeds libtorch's global generator (manual_seed)")]
    [InlineData(typeof(BertModelTests), "puts a module in training mode")]
    [InlineData(typeof(TrainCommandTests), "runs `texttagger train` in-process")]
    [InlineData(typeof(TrainerTests), "trains (Trainer.")]
    [InlineData(typeof(MicroBatchTests), "trains (MultiLabelModule.TrainingStep)")]
    public void The_scan_finds_seeding_dropout_and_training(Type type, string reason)
    {
        Assert.True(Users.TryGetValue(type, out var reasons), $"{type.Name} not found");
        Assert.Contains(reasons, r => r.Contains(reason, StringComparison.Ordinal));
    }

    /// <summary>…and a class that draws only from generators of its own (the tiny models) is not a user.</summary>
    [Fact]
    public void A_generator_of_its_own_is_not_the_global_one() => Assert.False(Users.ContainsKey(typeof(AdamWTests)));
}
