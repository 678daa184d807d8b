namespace TextTagger;

/// <summary>
/// Writes a directory all at once: the files go to a temporary sibling, which is then renamed into place, so a
/// reader never sees a half-written model. An existing directory is replaced (moved aside, then deleted).
/// </summary>
public static class AtomicDirectory
{
    /// <param name="replaceExisting">false: when the target appeared meanwhile (another process won), keep it.</param>
    public static void Write(string target, Action<string> writeFiles, bool replaceExisting = true)
    {
        target = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string parent = Path.GetDirectoryName(target) ?? throw new TextTaggerException($"{target}: cannot write a model at the file-system root.");
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            writeFiles(temp);
            if (Directory.Exists(target))
            {
                if (!replaceExisting) { Directory.Delete(temp, recursive: true); return; }
                string old = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
                Directory.Move(target, old);
                Directory.Move(temp, target);
                Directory.Delete(old, recursive: true);
            }
            else if (File.Exists(target))
                throw new TextTaggerException($"{target} is a file, not a model directory.");
            else
            {
                try { Directory.Move(temp, target); }
                catch (IOException) when (!replaceExisting && Directory.Exists(target)) { Directory.Delete(temp, recursive: true); }
            }
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }
}
