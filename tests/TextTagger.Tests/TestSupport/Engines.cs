using System.Runtime.CompilerServices;
using TextTagger.Inference;

namespace TextTagger.Tests.TestSupport;

static class Engines
{
    /// <summary>The tests run trained (TorchSharp) model directories through Tagger.Load, as the CLI does.</summary>
    [ModuleInitializer]
    internal static void RegisterTorchEngine() => TorchEngine.Register();
}
