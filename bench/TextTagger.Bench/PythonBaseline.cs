using System.Diagnostics;
using System.Text.Json;

namespace TextTagger.Bench;

/// <summary>Runs bench/python/bert_train_step.py (PyTorch eager) as a subprocess and reads the JSON it prints last.</summary>
static class PythonBaseline
{
    /// <summary>Debian's interpreter, which has python3-torch; a `python3` earlier on PATH (pyenv) may not.</summary>
    public static string DefaultInterpreter() => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static string Script => Path.Combine(BenchData.RepositoryRoot(), "bench", "python", "bert_train_step.py");

    /// <summary>Runs the script with <paramref name="args"/>; its progress (stderr) goes to ours.</summary>
    public static JsonElement Run(string python, IEnumerable<string> args, int threads)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add(threads.ToString());
        start.Environment["OMP_NUM_THREADS"] = threads.ToString();
        start.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString();
        Console.Error.WriteLine($"$ {python} {string.Join(" ", start.ArgumentList)}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{python} {Script} exited with {process.ExitCode} (is python3-torch installed for {python}?)");
        string last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                      ?? throw new InvalidOperationException($"{Script} printed nothing");
        using var document = JsonDocument.Parse(last);
        return document.RootElement.Clone();
    }

    public static TimingStats Stats(JsonElement e) =>
        new(e.GetProperty("median_s").GetDouble(), e.GetProperty("p10").GetDouble(), e.GetProperty("p90").GetDouble(), e.GetProperty("steps").GetInt32());
}
