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
        string temp = Path.Combine(parent, $"{TempPrefix(target)}{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            writeFiles(temp);
            if (Directory.Exists(target))
            {
                if (!replaceExisting) { Directory.Delete(temp, recursive: true); return; }
                string old = Path.Combine(parent, $"{AsidePrefix(target)}{Guid.NewGuid():N}");
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

    internal static string TempPrefix(string target) => $".{Path.GetFileName(target)}.tmp-";
    internal static string AsidePrefix(string target) => $".{Path.GetFileName(target)}.old-";

    /// <summary>After a kill in the middle of <see cref="Write"/>: when <paramref name="target"/> is missing or not
    /// <paramref name="isComplete"/> but a replaced copy was still set aside, that copy (the newest complete one) comes
    /// back; every temporary or set-aside sibling is then deleted.</summary>
    public static void Recover(string target, Func<string, bool> isComplete)
    {
        target = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string? parent = Path.GetDirectoryName(target);
        if (parent == null || !Directory.Exists(parent)) return;
        var aside = Directory.GetDirectories(parent, AsidePrefix(target) + "*");
        if (!(Directory.Exists(target) && isComplete(target)))
        {
            var previous = aside.Where(isComplete).OrderByDescending(Directory.GetLastWriteTimeUtc).FirstOrDefault();
            if (previous != null)
            {
                if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                Directory.Move(previous, target);
            }
        }
        foreach (var leftover in aside.Concat(Directory.GetDirectories(parent, TempPrefix(target) + "*")).Where(Directory.Exists))
            Directory.Delete(leftover, recursive: true);
    }
}
