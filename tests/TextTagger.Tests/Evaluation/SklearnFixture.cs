using System.Text.Json;
using TextTagger.Evaluation;

namespace TextTagger.Tests.Evaluation;

/// <summary>
/// The reference numbers in Fixtures/sklearn_metrics.json, written by Fixtures/make_fixtures.py with scikit-learn.
/// Tests read only the JSON; sklearn is not needed to run them.
/// </summary>
public static class SklearnFixture
{
    public const double Tolerance = 1e-9;

    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Evaluation", "Fixtures", "sklearn_metrics.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    });

    public static IEnumerable<JsonElement> Cases => Root.Value.GetProperty("cases").EnumerateArray();

    /// <summary>Every (case, label index) pair, for per-label theories.</summary>
    public static TheoryData<string, int> CaseLabels()
    {
        var data = new TheoryData<string, int>();
        foreach (var c in Cases)
            for (int j = 0; j < c.GetProperty("label_names").GetArrayLength(); j++)
                data.Add(c.GetProperty("name").GetString()!, j);
        return data;
    }

    public static JsonElement Case(string name) => Cases.Single(c => c.GetProperty("name").GetString() == name);

    public static string[] LabelNames(JsonElement c) =>
        c.GetProperty("label_names").EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static double[,] Scores(JsonElement c) => Matrix(c.GetProperty("scores"), e => e.GetDouble());

    public static int[,] Truth(JsonElement c) => Matrix(c.GetProperty("truth"), e => e.GetInt32());

    public static LabelledScores LabelledScoresOf(JsonElement c) => LabelledScores.FromMatrix(Scores(c), Truth(c), LabelNames(c));

    public static JsonElement Label(JsonElement c, int label) => c.GetProperty("labels")[label];

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static double?[] NullableDoubles(JsonElement array) =>
        array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (double?)null : e.GetDouble()).ToArray();

    public static T[,] Matrix<T>(JsonElement rows, Func<JsonElement, T> read)
    {
        int n = rows.GetArrayLength(), m = rows[0].GetArrayLength();
        var matrix = new T[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                matrix[i, j] = read(rows[i][j]);
        return matrix;
    }

    /// <summary>Asserts |expected − actual| ≤ 1e-9, naming the field on failure.</summary>
    public static void AssertClose(double expected, double actual, string field)
    {
        if (!(Math.Abs(expected - actual) <= Tolerance))
            Assert.Fail($"{field}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):R})");
    }

    public static void AssertAllClose(double[] expected, double[] actual, string field)
    {
        Assert.True(expected.Length == actual.Length, $"{field}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], $"{field}[{i}]");
    }
}
