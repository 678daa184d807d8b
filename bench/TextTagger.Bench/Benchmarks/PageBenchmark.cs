using System.Globalization;
using PuppeteerSharp;
using TextTagger.Server;
using TextTagger.Tests.Serving;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Bench.Benchmarks;

/// <summary>The moderation page as a user meets it, in the system Chromium: time from Ctrl+Enter to the bars and to
/// the word highlights for the seed's two comments, and a screenshot of the result (the README's picture).</summary>
sealed class PageBenchmark : IBenchmark
{
    public string Name => "page";
    public string Description => "moderation page: seconds to bars and to highlights in Chromium [--model DIR (runs/main/onnx-int8)] [--runs 5] [--screenshot docs/moderation-page.png]";

    static readonly string[] SeedComments =
        ["You are such a loser! You'll regret everything you've done to me!", "Thanks for the helpful edit, the article reads much better now."];

    public int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    static async Task<int> RunAsync(string[] args)
    {
        BenchData.CheckOptions(args, ["--model", "--runs", "--screenshot"], []);
        string root = BenchData.RepositoryRoot();
        string model = BenchData.Option(args, "--model", $"{root}/runs/main/onnx-int8");
        string screenshot = BenchData.Option(args, "--screenshot", $"{root}/docs/moderation-page.png");
        int runs = BenchData.IntOption(args, "--runs", 5);

        await using var server = await LiveServer.StartAsync(new TaggerServerOptions { Model = new() { ModelPath = model  }});
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1000, Height = 800 });
        var toBars = new List<double>();
        var toHighlights = new List<double>();
        for (int run = 0; run <= runs; run++)   // run 0 warms up
        {
            await page.GoToAsync(server.Url + "/");
            await page.WaitForFunctionAsync("() => document.getElementById('model').textContent.startsWith('Model ')");
            await page.EvaluateFunctionAsync("t => { document.getElementById('texts').value = t; }", string.Join("\n", SeedComments));
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            await page.FocusAsync("#texts");
            await page.Keyboard.DownAsync("Control");
            await page.Keyboard.PressAsync("Enter");
            await page.Keyboard.UpAsync("Control");
            await page.WaitForSelectorAsync(".bar-row");
            double bars = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            await page.WaitForFunctionAsync("() => document.querySelectorAll('.result .why').length > 0 && [...document.querySelectorAll('.result .why')].every(w => w.textContent !== '')");
            double highlights = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (run == 0) continue;
            toBars.Add(bars);
            toHighlights.Add(highlights);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(screenshot))!);
        await page.ScreenshotAsync(screenshot, new ScreenshotOptions { FullPage = true });
        var b = TimingStats.Of(toBars);
        var h = TimingStats.Of(toHighlights);
        Console.WriteLine($"page: {model}, {runs} runs of the seed's two comments in {HeadlessChromium.ExecutablePath}");
        Console.WriteLine("| step | median s | p90 s |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Ctrl+Enter → bars (/v1/predict) | {b.Median:F3} | {b.P90:F3} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Ctrl+Enter → word highlights (/v1/explain) | {h.Median:F3} | {h.P90:F3} |"));
        Console.WriteLine($"screenshot: {screenshot}");
        return 0;
    }
}
