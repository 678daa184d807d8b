using nietras.SeparatedValues;

namespace TextTagger.Bench;

/// <summary>Finds and reads the shared Jigsaw sample (../shared/data beside the repository).</summary>
static class BenchData
{
    public static string DefaultCsv()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "TextTagger.sln")))
            directory = directory.Parent;
        if (directory?.Parent == null) throw new InvalidOperationException("Cannot find TextTagger.sln above " + AppContext.BaseDirectory);
        return Path.Combine(directory.Parent.FullName, "shared", "data", "toxic_comments.csv");
    }

    /// <summary>The comment_text column.</summary>
    public static string[] ReadComments(string csv)
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(csv);
        var texts = new List<string>(40_000);
        foreach (var row in reader) texts.Add(row["comment_text"].ToString());
        return texts.ToArray();
    }

    /// <summary>The value after `--name` in args, or the fallback.</summary>
    public static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
