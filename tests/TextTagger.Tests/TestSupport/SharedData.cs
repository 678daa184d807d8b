namespace TextTagger.Tests.TestSupport;

/// <summary>
/// The real Jigsaw sample lives in ../shared/data beside the repository (never inside it). Tests that need it
/// find it here; set TEXTTAGGER_SHARED_DATA to point elsewhere.
/// </summary>
public static class SharedData
{
    public static string ToxicCommentsCsv => Path.Combine(DataDirectory, "toxic_comments.csv");

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
