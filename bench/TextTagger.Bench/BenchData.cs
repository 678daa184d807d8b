using nietras.SeparatedValues;

namespace TextTagger.Bench;

/// <summary>Finds and reads the shared Jigsaw sample (../shared/data beside the repository).</summary>
static class BenchData
{
    public static string DefaultCsv()
    {
        var root = new DirectoryInfo(RepositoryRoot());
        if (root.Parent == null) throw new InvalidOperationException("No folder above the repository " + root.FullName);
        return Path.Combine(root.Parent.FullName, "shared", "data", "toxic_comments.csv");
    }

    /// <summary>The folder holding TextTagger.sln, above the running benchmark.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "TextTagger.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Cannot find TextTagger.sln above " + AppContext.BaseDirectory);
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

    public static int IntOption(string[] args, string name, int fallback) =>
        int.Parse(Option(args, name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether a switch such as `--bf16` is present.</summary>
    public static bool Flag(string[] args, string name) => args.Contains(name);

    /// <summary>Rejects options this benchmark does not know (a typo would otherwise silently measure the defaults).</summary>
    public static void CheckOptions(string[] args, string[] valued, string[] flags)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (valued.Contains(args[i])) { i++; continue; }
            if (flags.Contains(args[i])) continue;
            throw new ArgumentException($"unknown option {args[i]} (options: {string.Join(" ", valued.Concat(flags))})");
        }
    }
}
