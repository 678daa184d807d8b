namespace TextTagger;

/// <summary>
/// When to hand the heap's free pages back (<see cref="NativeHeap.ReleaseIfGrown"/>), from the resident set read
/// between steps. A trim gives back every free page, including those the next steps reuse for their activations, and
/// the process grows again as they fault them back in. Measured only from the size right after the trim, that
/// regrowth passed the slack and the run trimmed again after most steps (65–78 M page faults a run); waiting for the
/// heap to settle instead let glibc's fragmentation carry the process to 3.6 GB. So a trim comes only above a ceiling — room
/// for the regrowth — or, for a model whose live memory is above it, above the size after the last trim plus the slack.
/// </summary>
public sealed class HeapTrimPolicy(long ceilingBytes, long slackBytes)
{
    long _afterTrim = -1;

    /// <summary>True when the heap should be trimmed now; the caller then reports the size after it with <see cref="Trimmed"/>.</summary>
    public bool ShouldTrim(long residentBytes)
    {
        if (_afterTrim < 0) _afterTrim = residentBytes;
        return residentBytes > Math.Max(ceilingBytes, _afterTrim + slackBytes);
    }

    /// <summary>The heap was trimmed and the process is now <paramref name="residentBytes"/>.</summary>
    public void Trimmed(long residentBytes) => _afterTrim = residentBytes;
}
