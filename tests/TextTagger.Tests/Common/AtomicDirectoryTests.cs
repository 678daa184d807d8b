using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Common;

/// <summary>A directory written all at once, and recovered after a kill between the two renames of a replacement.</summary>
public sealed class AtomicDirectoryTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    static bool Complete(string folder) => File.Exists(Path.Combine(folder, "state.json"));

    [Fact]
    public void A_kill_between_the_renames_leaves_the_old_copy_aside_and_recovery_brings_it_back()
    {
        string target = _folder.Combine("checkpoint");
        AtomicDirectory.Write(target, temp => File.WriteAllText(Path.Combine(temp, "state.json"), "v1"));

        // The state a kill leaves after "move the old copy aside" and before "move the new one in": no target, the old
        // copy aside, and the new one still under its temporary name (complete or not).
        string parent = Path.GetDirectoryName(target)!;
        Directory.Move(target, Path.Combine(parent, AtomicDirectory.AsidePrefix(target) + "a"));
        Directory.CreateDirectory(Path.Combine(parent, AtomicDirectory.TempPrefix(target) + "b"));

        AtomicDirectory.Recover(target, Complete);
        Assert.Equal("v1", File.ReadAllText(Path.Combine(target, "state.json")));
        Assert.Equal([target], Directory.GetDirectories(parent));   // nothing left beside it

        // A complete target is kept; a stale copy aside is only cleaned up.
        AtomicDirectory.Write(target, temp => File.WriteAllText(Path.Combine(temp, "state.json"), "v2"));
        Directory.CreateDirectory(Path.Combine(parent, AtomicDirectory.AsidePrefix(target) + "c"));
        File.WriteAllText(Path.Combine(parent, AtomicDirectory.AsidePrefix(target) + "c", "state.json"), "v0");
        AtomicDirectory.Recover(target, Complete);
        Assert.Equal("v2", File.ReadAllText(Path.Combine(target, "state.json")));
        Assert.Equal([target], Directory.GetDirectories(parent));
    }
}
