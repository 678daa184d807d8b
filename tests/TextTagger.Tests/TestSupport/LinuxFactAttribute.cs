namespace TextTagger.Tests.TestSupport;

/// <summary>A test of something only Linux has (glibc's heap, the parent-death signal): reported as skipped, with
/// the reason, on other systems — never passed without running.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute(string what)
    {
        if (!OperatingSystem.IsLinux()) Skip = $"Linux only: {what}";
    }

    /// <summary>An environment variable that, when set, takes the setting out of the program's hands: the test is
    /// reported as skipped, naming it.</summary>
    public string? UnlessSet
    {
        get => _unlessSet;
        init
        {
            _unlessSet = value;
            if (Skip == null && value != null && Environment.GetEnvironmentVariable(value) != null) Skip = $"{value} is set: glibc takes it instead";
        }
    }

    readonly string? _unlessSet;
}
