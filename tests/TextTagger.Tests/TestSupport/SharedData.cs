namespace TextTagger.Tests.TestSupport;

/// <summary>
/// The real Jigsaw sample lives in ../shared/data beside the repository (never inside it). Tests that need it
/// find it here; set TEXTTAGGER_SHARED_DATA to point elsewhere.
/// </summary>
public static class SharedData
{
    public static string ToxicCommentsCsv => Path.Combine(DataDirectory, "toxic_comments.csv");

    static readonly Lazy<IReadOnlyList<string>> s_comments =
        new(() => TextTagger.Data.CsvDatasetReader.Load(ToxicCommentsCsv).Rows.Select(r => r.Text).ToArray());

    /// <summary>The comment_text of every row of the shared file, in file order, read once per test run.</summary>
    public static IReadOnlyList<string> Comments => s_comments.Value;

    public static string DataDirectory
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("TEXTTAGGER_SHARED_DATA");
            if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, "TextTagger.sln")))
                directory = directory.Parent;
            if (directory?.Parent == null)
                throw new InvalidOperationException("Cannot find the repository root (TextTagger.sln) above " + AppContext.BaseDirectory);
            string path = Path.Combine(directory.Parent.FullName, "shared", "data");
            if (!Directory.Exists(path))
                throw new InvalidOperationException($"The shared data folder {path} is missing: it must sit beside the repository.");
            return path;
        }
    }
}
