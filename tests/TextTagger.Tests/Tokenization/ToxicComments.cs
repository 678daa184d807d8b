using nietras.SeparatedValues;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Tokenization;

/// <summary>The comment_text column of the shared Jigsaw sample, read once per test run.</summary>
public static class ToxicComments
{
    static readonly Lazy<string[]> s_texts = new(() =>
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(SharedData.ToxicCommentsCsv);
        var texts = new List<string>(40_000);
        foreach (var row in reader) texts.Add(row["comment_text"].ToString());
        return texts.ToArray();
    });

    public static IReadOnlyList<string> Texts => s_texts.Value;
}
