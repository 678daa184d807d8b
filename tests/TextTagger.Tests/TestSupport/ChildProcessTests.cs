namespace TextTagger.Tests.TestSupport;

/// <summary>Child processes die with the process that started them, however it ends.</summary>
public sealed class ChildProcessTests
{
    [LinuxFact("the parent-death signal (prctl PR_SET_PDEATHSIG) and pidfd")]
    public async Task A_host_killed_with_sigkill_leaves_no_redis_server_or_dotnet_child_behind()
    {
        using var host = DotnetProcess.TestHost("host-children");
        await host.WaitForLineAsync(l => l == "ready", TimeSpan.FromSeconds(120));
        int Pid(string name) => int.Parse(host.Log.Split('\n').Single(l => l.StartsWith(name + " ")).Split(' ')[1]);
        int redis = Pid("redis-server"), child = Pid("child");
        Assert.False(ChildProcess.WaitForEnd(redis, TimeSpan.Zero), "redis-server is not running");
        Assert.False(ChildProcess.WaitForEnd(child, TimeSpan.Zero), "the child host is not running");

        host.Signal(Signals.Kill);
        Assert.NotEqual(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(ChildProcess.WaitForEnd(redis, TimeSpan.FromSeconds(30)), $"redis-server {redis} outlived its killed host");
        Assert.True(ChildProcess.WaitForEnd(child, TimeSpan.FromSeconds(30)), $"dotnet child {child} outlived its killed host");
    }
}
