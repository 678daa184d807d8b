namespace TextTagger.Tests.TestSupport;

/// <summary>Waits for a condition the code under test reports (a counter, a response), checking it again every few
/// milliseconds: the wait ends when the condition holds, not after a guessed time. Fails after <c>timeout</c>.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what);

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout.TotalSeconds} s: {what}");
            await Task.Delay(5);
        }
    }
}
