using System.Globalization;
using Xunit.Abstractions;

namespace TextTagger.Tests.TestSupport;

/// <summary>The seed of a test's random choices: <c>TEXTTAGGER_TEST_SEED</c> when set (to replay or explore), else the
/// test's fixed one. It is written to the test's output, which xunit prints when the test fails.</summary>
public static class TestSeed
{
    public const string Variable = "TEXTTAGGER_TEST_SEED";

    public static int Get(ITestOutputHelper log, int fixedSeed)
    {
        string? chosen = Environment.GetEnvironmentVariable(Variable);
        int seed = string.IsNullOrEmpty(chosen) ? fixedSeed : int.Parse(chosen, CultureInfo.InvariantCulture);
        log.WriteLine($"seed {seed} (set {Variable} to replay another)");
        return seed;
    }
}
