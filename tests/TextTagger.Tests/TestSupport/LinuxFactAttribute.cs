namespace TextTagger.Tests.TestSupport;

/// <summary>A test of something only Linux has (glibc's heap, the parent-death signal): reported as skipped, with
/// the reason, on other systems — never passed without running.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute(string what)
    {
        if (!OperatingSystem.IsLinux()) Skip = $"Linux only: {what}";
    }
}
