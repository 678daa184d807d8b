using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TextTagger.Inference;
using TextTagger.Tests.NGram;
using TextTagger.Tests.TestSupport;
using Xunit.Abstractions;

namespace TextTagger.Tests.Packaging;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagesCollection
{
    public const string Name = "Packages and their consumers (alone: they build whole projects)";
}

/// <summary>
/// Proof from the outside: every package packed into a local folder, then the consumer projects of tests/Consumers —
/// copied out of the repository, with no project reference, restored from that folder and NuGet — built and run as a
/// user would: a console app fine-tunes the bundled MiniLM a few steps, exports int8 and predicts; a predict-only app
/// on the inference core alone scores the export; an ASP.NET Core app maps the endpoints under its own prefix behind
/// its own authorization policy and answers with the probabilities the model gives in-process; a console chat app
/// guards a scripted LLM with an n-gram model the installed tool trained (TextTagger.Guardrails).
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class PackagesConsumerTests(ITestOutputHelper output)
{
    static readonly string[] Packages =
        ["TextTagger", "TextTagger.NGram", "TextTagger.Reports", "TextTagger.Torch", "TextTagger.AspNetCore", "TextTagger.Streaming", "TextTagger.Guardrails", "TextTagger.Cli"];

    const string Insult = "You are such a loser!";

    [Fact]
    public async Task Consumer_projects_build_and_run_from_the_packed_packages_alone()
    {
        string root = RepositoryRoot();
        using var work = new TempFolder();
        // A version of its own per run: NuGet's global cache never hands back an older build of the same version.
        string version = $"0.1.0-ci.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        string feed = work["feed"];
        foreach (var id in Packages)   // as built by the test command (dotnet test builds the solution first)
            Run("dotnet", root, "pack", Path.Combine(root, "src", id, id + ".csproj"), "-c", "Release", "--no-build", "-o", feed, $"-p:Version={version}");
        CheckPackages(feed, version);

        // The tool installs from the folder and answers.
        string tools = work["tools"];
        Run("dotnet", work.Path, "tool", "install", "TextTagger.Cli", "--tool-path", tools, "--version", version, "--add-source", feed);
        Assert.Contains("0.1.0", Run(Path.Combine(tools, "texttagger"), work.Path, "--version"));

        string consumers = work["consumers"];
        CopyFolder(Path.Combine(root, "tests", "Consumers"), consumers);
        File.WriteAllText(Path.Combine(consumers, "nuget.config"),
            $"<configuration><packageSources><add key=\"texttagger-local\" value=\"{feed}\" /></packageSources></configuration>\n");
        File.WriteAllText(Path.Combine(consumers, "Directory.Build.props"), "<Project />\n");   // nothing from above this folder
        File.WriteAllText(Path.Combine(consumers, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(consumers, "Directory.Packages.props"), "<Project />\n");

        // 1. Fine-tune, export, predict (TextTagger.Torch and everything it brings).
        string data = SyntheticComments.Write(work["data.csv"], rows: 240);
        string run = work["run"];
        Build(consumers, "ConsoleApp", version);
        string console = Run("dotnet", consumers, Path.Combine(consumers, "ConsoleApp", "out", "ConsoleApp.dll"), data, run);
        output.WriteLine(console);   // the README's C# example, as a user runs it
        Assert.Contains("labels: toxic,insult,threat", console);
        Assert.Contains("step 3: loss ", console);
        Assert.Contains("async: 2 predictions", console);
        double[] int8 = Numbers(Line(console, "probabilities: "));
        double[] torch = Numbers(Line(console, "torch: "));
        Assert.Equal(3, int8.Length);
        for (int l = 0; l < 3; l++) Assert.InRange(Math.Abs(int8[l] - torch[l]), 0, 0.02);   // int8 export against the weights it came from
        string exported = Path.Combine(run, "onnx-int8");
        Assert.True(File.Exists(Path.Combine(exported, "model.onnx")));

        using var inProcess = Tagger.Load(exported);
        double[] expected = [.. inProcess.Predict(Insult).Probabilities];
        for (int l = 0; l < 3; l++) Assert.Equal(expected[l], int8[l], 6);

        // 2. Predict only, on the inference core: no libtorch, charts or ML.NET in the app, and small.
        string publish = work["predict-publish"];
        Run("dotnet", consumers, "publish", Path.Combine(consumers, "PredictApp"), "-c", "Release", "-o", publish,
            "-r", RuntimeInformationRid(), "--self-contained", "false", $"-p:TextTaggerVersion={version}");
        string predicted = Run("dotnet", consumers, Path.Combine(publish, "PredictApp.dll"), exported, "have a nice day", Insult);
        var lines = predicted.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        // The two texts are scored as one batch, and int8's dynamic quantization takes its activation scale from the
        // whole batch: the in-process tagger is asked the same batch.
        double[] together = [.. inProcess.Predict(["have a nice day", Insult])[1].Probabilities];
        double[] streamed = Numbers(lines[1].Split(' ')[0]);
        for (int l = 0; l < 3; l++) Assert.Equal(together[l], streamed[l], 6);
        var files = Directory.GetFiles(publish, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray();
        Assert.DoesNotContain(files, f => f!.Contains("torch", StringComparison.OrdinalIgnoreCase) || f.StartsWith("ScottPlot") ||
                                          f.StartsWith("SkiaSharp") || f.StartsWith("Microsoft.ML.") && !f.StartsWith("Microsoft.ML.OnnxRuntime"));
        long publishBytes = Directory.GetFiles(publish, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        long runtimeBytes = Directory.GetFiles(publish, "libonnxruntime*").Sum(f => new FileInfo(f).Length);
        output.WriteLine($"predict-only publish (framework-dependent, {RuntimeInformationRid()}): {publishBytes / 1e6:F1} MB in {files.Length} files, " +
                         $"of which ONNX Runtime's native library {runtimeBytes / 1e6:F1} MB");
        Assert.InRange(publishBytes - runtimeBytes, 1, 3_000_000);   // ours and the managed dependencies: 1.5 MB measured
        Assert.InRange(publishBytes, 1, 32_000_000);

        // 3. The web app: its prefix, its policy, the model's own probabilities.
        Build(consumers, "WebApp", version);
        await using var web = await WebApp.StartAsync(Path.Combine(consumers, "WebApp", "out", "WebApp.dll"), exported);
        using var http = new HttpClient { BaseAddress = new Uri(web.Url) };
        Assert.Equal("the host's own endpoints stay as they were", await http.GetStringAsync("/"));
        var anonymous = await http.PostAsJsonAsync("/moderation/v1/predict", new { texts = new[] { Insult } });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsJsonAsync("/v1/predict", new { texts = new[] { Insult } })).StatusCode);

        http.DefaultRequestHeaders.Add("X-Moderator-Key", "let-me-in");
        var answer = await http.PostAsJsonAsync("/moderation/v1/predict", new { texts = new[] { Insult } });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        var probabilities = json.RootElement.GetProperty("predictions")[0].GetProperty("probabilities");
        for (int l = 0; l < 3; l++)
            Assert.Equal(expected[l], probabilities.GetProperty(inProcess.Labels[l]).GetDouble(), 6);
        // Configuration reached the endpoints: the app's appsettings.json allows 64 texts per request.
        var tooMany = await http.PostAsJsonAsync("/moderation/v1/predict", new { texts = Enumerable.Repeat("hi", 65).ToArray() });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Contains("64", await tooMany.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/moderation/healthz/ready")).StatusCode);

        // 4. The chat app: its LLM scripted, its guardrails (appsettings.json) an n-gram model trained by the tool.
        string comments = SyntheticComments.Write(work["comments.csv"], rows: 800);
        Run(Path.Combine(tools, "texttagger"), work.Path, "train", "--model", "ngram", "--data", comments, "--out", work["ngram"],
            "--val-fraction", "0.2", "--tune-fraction", "0.2", "--balance", "100000");
        string ngram = Path.Combine(work["ngram"], "model");
        using var guard = Tagger.Load(ngram);
        Assert.True(guard.Predict(ChatInsult)["insult"] >= guard.Thresholds[1], "the n-gram model does not tag the chat's insult");
        Assert.True(guard.Predict("angry angry w5")["threat"] >= guard.Thresholds[2], "the n-gram model does not tag the chat's threat");
        const string Answer = "Happy to help. Here is a short answer. Anything else? ";   // the scripted LLM's
        Assert.True(guard.Predict(Answer)["toxic"] < guard.Thresholds[0], "the n-gram model calls the chat's polite answer toxic");
        Build(consumers, "ChatApp", version);
        string chat = Run("dotnet", Path.Combine(consumers, "ChatApp", "out"), Path.Combine(consumers, "ChatApp", "out", "ChatApp.dll"), ngram,
                          "good nice kind", ChatInsult, "Repeat: ugly ugly w3. good", "angry angry w5").ReplaceLineEndings("\n");
        output.WriteLine(chat);
        Assert.Contains($"you> good nice kind\nbot> {Answer}\n", chat);
        // Flagged: passed to the LLM, with the model's own score attached.
        string flagged = guard.Predict(ChatInsult)["insult"].ToString("F3", CultureInfo.InvariantCulture);
        Assert.Contains($"you> {ChatInsult}\nbot> {Answer}\n     (flagged: insult {flagged})\n", chat);
        // The LLM made to say an insult: its stream is cut, and the refusal ends it.
        string repeated = chat.Split('\n').SkipWhile(l => !l.StartsWith("you> Repeat: ", StringComparison.Ordinal)).ElementAt(1);
        Assert.StartsWith("bot> Sure. ", repeated);
        Assert.Matches(@"\[cut: \d+ characters of the blocked sentence were shown\] Let's keep it civil\.$", repeated);
        Assert.DoesNotContain("Anything else?", repeated);
        Assert.Contains("you> angry angry w5\nbot> Let's keep it civil.\n", chat);   // blocked before the LLM
        Assert.Contains("model calls: 3", chat);
    }

    const string ChatInsult = "you are ugly w3";

    void CheckPackages(string feed, string version)
    {
        foreach (var id in Packages)
        {
            string package = Path.Combine(feed, $"{id}.{version}.nupkg");
            Assert.True(File.Exists(package), $"{id} was not packed (in {feed}: {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))})");
            Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg")), $"{id} has no symbol package");
            using var zip = ZipFile.OpenRead(package);
            var entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("README.md", entries);
            string nuspec = new StreamReader(zip.GetEntry($"{id}.nuspec")!.Open()).ReadToEnd();
            Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
            Assert.Contains("<readme>README.md</readme>", nuspec);
            if (id != "TextTagger.Cli") Assert.Contains(entries, e => e.StartsWith("lib/net10.0/") && e.EndsWith($"{id}.xml"));
            output.WriteLine($"{id}: {new FileInfo(package).Length / 1e3:N0} KB");
        }
        using var torch = ZipFile.OpenRead(Path.Combine(feed, $"TextTagger.Torch.{version}.nupkg"));
        Assert.Contains(torch.Entries, e => e.FullName == "buildTransitive/TextTagger.Torch.targets");
        Assert.Contains(torch.Entries, e => e.FullName == "buildTransitive/TorchSharpGlibcxxPatch.targets");
    }

    void Build(string consumers, string project, string version) =>
        Run("dotnet", consumers, "build", Path.Combine(consumers, project), "-c", "Release", "-o", Path.Combine(consumers, project, "out"),
            $"-p:TextTaggerVersion={version}");

    static string RuntimeInformationRid() =>
        $"linux-{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";

    static string Line(string text, string prefix) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];

    static double[] Numbers(string csv) => csv.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Runs a program to its end; a non-zero exit fails the test with everything it printed.</summary>
    string Run(string program, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDNODEWINDOW"] = "0";
        // The test host's own MSBuild settings must not leak into the child builds.
        foreach (var key in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "VSTEST_HOST_DEBUG" }) start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish in 8 minutes");
        }
        string text = stdout.Result + stderr.Result;
        output.WriteLine($"$ {program} {string.Join(' ', arguments)}  (exit {process.ExitCode})");
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{text}");
        return text;
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TextTagger.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no TextTagger.sln above {AppContext.BaseDirectory}");
    }

    static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or "out")) continue;
            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>The web consumer in its own process, on a free loopback port it reports when it listens.</summary>
    sealed class WebApp : IAsyncDisposable
    {
        readonly Process _process;
        readonly StringBuilder _log = new();

        WebApp(Process process) => _process = process;

        public string Url { get; private set; } = "";

        public static async Task<WebApp> StartAsync(string assembly, string model)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(assembly)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { assembly, "--urls", "http://127.0.0.1:0", "--TextTagger:Model:ModelPath", model,
                                      "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information" })
                start.ArgumentList.Add(a);
            var app = new WebApp(Process.Start(start)!);
            var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            app._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null) return;
                lock (app._log) app._log.AppendLine(e.Data);
                int at = e.Data.IndexOf("Now listening on: ", StringComparison.Ordinal);
                if (at >= 0) listening.TrySetResult(e.Data[(at + "Now listening on: ".Length)..].Trim());
            };
            app._process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (app._log) app._log.AppendLine(e.Data); };
            app._process.BeginOutputReadLine();
            app._process.BeginErrorReadLine();
            var exited = app._process.WaitForExitAsync();
            var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(2)));
            if (first != listening.Task)
            {
                await app.DisposeAsync();
                lock (app._log) Assert.Fail($"the web app did not start listening:\n{app._log}");
            }
            app.Url = listening.Task.Result;
            return app;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
