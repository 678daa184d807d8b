using System.Text;

namespace TextTagger;

/// <summary>
/// A text file written under a temporary name beside its destination and renamed into place by <see cref="Commit"/>;
/// disposed without a commit, the temporary file is deleted and the destination is left as it was.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    readonly string _temp;
    bool _committed;

    public AtomicFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        string folder = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(Path)) throw new TextTaggerException($"{path}: is a folder, not a file");
        try
        {
            Directory.CreateDirectory(folder);
            _temp = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
            Writer = new StreamWriter(_temp, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TextTaggerException($"{path}: cannot write: {e.Message}");
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> all at once (temp file, then rename).</summary>
    public static void WriteAllText(string path, string text)
    {
        using var file = new AtomicFile(path);
        file.Writer.Write(text);
        file.Commit();
    }

    public string Path { get; }
    public TextWriter Writer { get; }

    public void Commit()
    {
        Writer.Dispose();
        File.Move(_temp, Path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        Writer.Dispose();
        if (!_committed && File.Exists(_temp)) File.Delete(_temp);
    }
}
