using System.Globalization;
using System.Runtime.CompilerServices;
using TextTagger.Inference;

namespace TextTagger.Tests.TestSupport;

static class TestAssemblySetup
{
    /// <summary>Before any test: the TorchSharp engine (the tests run trained model directories through Tagger.Load, as
    /// the CLI does), the invariant culture, since tests compare printed numbers as text, and enough pool threads
    /// that the Redis client's completions are not starved while parallel tests hold threads with CPU work (a PING
    /// once waited 6 s for a thread on a 2-core CI machine).</summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
