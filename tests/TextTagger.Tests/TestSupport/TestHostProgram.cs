namespace TextTagger.Tests.TestSupport;

/// <summary>
/// The test assembly's entry point (GenerateProgramFile is off), so a test can run a host process that starts children
/// through the same helpers the tests use, and kill it: `dotnet TextTagger.Tests.dll host-children` starts a
/// redis-server (<see cref="RedisServer"/>) and another such host (<see cref="DotnetProcess"/>), prints their process
/// ids and "ready", and waits to be killed; `idle` prints "ready" and waits. Without arguments it does nothing (the
/// test runner never calls it).
/// </summary>
public static class TestHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "host-children":
                var redis = await RedisServer.StartAsync();
                var child = DotnetProcess.TestHost("idle");
                await child.WaitForLineAsync(l => l == "ready", TimeSpan.FromSeconds(60));
                Console.WriteLine($"redis-server {redis.ProcessId}");
                Console.WriteLine($"child {child.Id}");
                Console.WriteLine("ready");
                await Task.Delay(Timeout.Infinite);   // until killed
                return 0;
            case "idle":
                Console.WriteLine("ready");
                await Task.Delay(Timeout.Infinite);
                return 0;
            default:
                return 0;
        }
    }
}
