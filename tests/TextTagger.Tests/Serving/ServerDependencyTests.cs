using System.Text.Json;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Serving;

/// <summary>The deploy path carries no libtorch: neither the server, the stream worker nor the core library depends on
/// TorchSharp.</summary>
public class ServerDependencyTests
{
    [Theory]
    [InlineData("src/TextTagger.Server")]
    [InlineData("src/TextTagger.Worker")]
    [InlineData("src/TextTagger.Streaming")]
    [InlineData("src/TextTagger")]
    [InlineData("src/TextTagger.AspNetCore")]
    public void The_project_dependency_closure_has_no_torchsharp(string project)
    {
        // project.assets.json is NuGet's resolved closure: every package and project the build pulls in, transitively.
        string assets = Path.Combine(RepositoryRoot, project, "obj", "project.assets.json");
        using var json = JsonDocument.Parse(File.ReadAllText(assets));
        var libraries = json.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains(libraries, l => l.StartsWith("Microsoft.ML.OnnxRuntime/"));
        Assert.DoesNotContain(libraries, l => l.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase) ||
                                              l.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase) ||
                                              l.StartsWith("TextTagger.Torch/"));
    }

    /// <summary>The inference core is what a predict-only app ships: no charts (ScottPlot, SkiaSharp) and no ML.NET.</summary>
    [Fact]
    public void The_inference_core_has_no_charts_and_no_ml_net()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "src/TextTagger/obj/project.assets.json")));
        var libraries = json.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.DoesNotContain(libraries, l => l.StartsWith("ScottPlot") || l.StartsWith("SkiaSharp") ||
                                              l.StartsWith("Microsoft.ML/") || l.StartsWith("Microsoft.ML.CpuMath"));
    }

    [Theory]
    [InlineData(typeof(TextTagger.Server.TaggerServer))]
    [InlineData(typeof(TextTagger.Worker.WorkerCommands))]
    public void The_deployed_assembly_references_no_torch_assembly(Type entry)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<System.Reflection.AssemblyName>([entry.Assembly.GetName()]);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name.Name!) || !(name.Name!.StartsWith("TextTagger"))) continue;
            foreach (var reference in System.Reflection.Assembly.Load(name).GetReferencedAssemblies()) pending.Push(reference);
        }
        Assert.Contains("TextTagger", seen);
        Assert.DoesNotContain(seen, n => n.StartsWith("TorchSharp") || n == "TextTagger.Torch");
    }

    const string RepositoryFile = "TextTagger.sln";

    static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, RepositoryFile))) directory = directory.Parent;
            return directory?.FullName ?? throw new InvalidOperationException("no TextTagger.sln above " + AppContext.BaseDirectory);
        }
    }
}
