using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using PuppeteerSharp;
using TextTagger.Server;
using TextTagger.Tests.Inference;
using TextTagger.Tests.TestSupport;
using Xunit.Abstractions;

namespace TextTagger.Tests.Serving;

/// <summary>The moderation page in a real headless Chromium, against the service on a loopback port, serving the
/// tiny rule model's ONNX export ("rude" → rude, "hate" → hateful). Screenshots go to a folder of the system's temp
/// folder (texttagger-screenshots, replaced by each run; its path is in the test output), never into bin/.</summary>
[Collection(TorchRandomCollection.Name)]
public sealed class ModerationPageTests(RuleModelFixture model, ITestOutputHelper log) : IClassFixture<RuleModelFixture>
{
    static readonly string Screenshots = Path.Combine(Path.GetTempPath(), "texttagger-screenshots");

    TaggerServerOptions Options => new() { Model = new() { ModelPath = model.Exported }, MaxTextLength = 60 };

    async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        string path = Path.Combine(Screenshots, name + ".png");
        await page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        log.WriteLine($"screenshot: {path}");
        return path;
    }

    static async Task<IPage> OpenAsync(IBrowser browser, string url, int width = 1000)
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = 800 });
        await page.GoToAsync(url + "/");
        await page.WaitForFunctionAsync("() => document.getElementById('model').textContent.startsWith('Model ')");
        return page;
    }

    [Fact]
    public async Task Bars_show_the_apis_probabilities_and_the_trigger_word_is_highlighted()
    {
        await using var server = await LiveServer.StartAsync(Options);
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await OpenAsync(browser, server.Url);
        Assert.Contains("Model onnx (onnxruntime fp32", await page.EvaluateExpressionAsync<string>("document.getElementById('model').textContent"));

        string[] texts = ["w1 rude w2 w3", "w4 kind w5 hate"];
        await page.TypeAsync("#texts", string.Join("\n", texts));
        await page.Keyboard.DownAsync("Control");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.UpAsync("Control");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.result mark').length >= 2");

        using var client = new HttpClient { BaseAddress = new Uri(server.Url) };
        var api = await (await client.PostAsJsonAsync("/v1/predict", new { texts })).Content.ReadFromJsonAsync<PredictResponse>();
        var shown = await page.EvaluateExpressionAsync<string[][]>(
            "[...document.querySelectorAll('.result')].map(r => [...r.querySelectorAll('.bar-row')].map(b => b.dataset.label + '=' + b.dataset.probability + '=' + b.querySelector('.value').textContent))");
        for (int t = 0; t < texts.Length; t++)
        {
            Assert.Equal(api!.Labels.Count, shown[t].Length);
            foreach (var (label, i) in api.Labels.Select((l, i) => (l, i)))
            {
                var parts = shown[t][i].Split('=');
                Assert.Equal(label, parts[0]);
                double p = api.Predictions[t].Probabilities[label];
                Assert.Equal(p, double.Parse(parts[1], CultureInfo.InvariantCulture));   // the very number the API sent
                Assert.Equal(p.ToString("F3", CultureInfo.InvariantCulture), parts[2]);
            }
        }
        // Each text highlights the words behind its tag: "rude" in the first, "hate" in the second.
        var marked = await page.EvaluateExpressionAsync<string[]>(
            "[...document.querySelectorAll('.result')].map(r => [...r.querySelectorAll('.text mark')].sort((a, b) => b.dataset.score - a.dataset.score)[0].textContent)");
        Assert.Equal(["rude", "hate"], marked);
        Assert.Equal(["rude", "hateful"], await page.EvaluateExpressionAsync<string[]>(
            "[...document.querySelectorAll('.result .tags .tag')].map(t => t.textContent)"));
        await ScreenshotAsync(page, "moderation-page");

        // Clicking another label's name highlights its words instead.
        await page.ClickAsync(".result:nth-of-type(1) .bar-row[data-label=hateful] .label");
        Assert.Equal("hateful", await page.EvaluateExpressionAsync<string>("document.querySelector('.result .label[aria-pressed=true]').textContent"));
        Assert.Contains("hateful", await page.EvaluateExpressionAsync<string>("document.querySelector('.result .why').textContent"));
    }

    [Fact]
    public async Task Api_errors_and_a_stopped_server_show_clear_messages()
    {
        await using var server = await LiveServer.StartAsync(Options);
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await OpenAsync(browser, server.Url);

        await page.TypeAsync("#texts", new string('a', 61));
        await page.ClickAsync("#check");
        await page.WaitForSelectorAsync("#texts-error:not([hidden])");
        string tooLong = await page.EvaluateExpressionAsync<string>("document.getElementById('texts-error').textContent");
        Assert.Equal("Too long (413): comment 1 has 61 characters; at most 60 are accepted", tooLong);
        await ScreenshotAsync(page, "moderation-page-413");

        await page.EvaluateExpressionAsync("document.getElementById('texts').value = ''");
        await page.ClickAsync("#check");
        Assert.Equal("Type or paste a comment first.", await page.EvaluateExpressionAsync<string>("document.getElementById('texts-error').textContent"));

        await server.StopAsync();   // the page's server goes away; disposed at the end of the test either way
        await page.TypeAsync("#texts", "w1 rude");
        await page.ClickAsync("#check");
        await page.WaitForFunctionAsync("() => document.getElementById('texts-error').textContent.includes('not answering')");
    }

    [Fact]
    public async Task A_csv_file_comes_back_scored_and_a_bad_one_names_the_line()
    {
        using var folder = new TempFolder();
        string csv = folder.Combine("comments.csv"), bad = folder.Combine("bad.csv");
        File.WriteAllText(csv, "id,comment_text\na1,w1 rude w2\na2,\"w3, kind\"\n");
        File.WriteAllText(bad, "id,comment_text\na1,w1 rude\na2,too,many,fields\n");
        await using var server = await LiveServer.StartAsync(Options);
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await OpenAsync(browser, server.Url, width: 390);   // a phone

        await page.ClickAsync("#tab-file");
        var input = await page.QuerySelectorAsync("#file");
        await input.UploadFileAsync(csv);
        await page.ClickAsync("#score");
        await page.WaitForSelectorAsync("#download");
        Assert.Equal("Download comments.scored.csv (2 comments scored)", await page.EvaluateExpressionAsync<string>("document.getElementById('download').textContent"));
        var cells = await page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('#file-result tr:nth-child(2) td')].map(c => c.textContent)");
        Assert.Equal("a1", cells[0]);
        Assert.Matches(@"^0\.\d{3}$", cells[1]);
        Assert.Equal("rude", cells[^1]);
        Assert.True(await page.EvaluateExpressionAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at phone width");
        await ScreenshotAsync(page, "moderation-page-file-phone");

        await input.UploadFileAsync(bad);
        await page.ClickAsync("#score");
        await page.WaitForSelectorAsync("#file-error:not([hidden])");
        Assert.StartsWith("The request was refused (400): bad.csv:3: ", await page.EvaluateExpressionAsync<string>("document.getElementById('file-error').textContent"));
    }

    [Fact]
    public async Task No_ui_serves_the_api_only()
    {
        await using var server = await LiveServer.StartAsync(Options with { Page = false });
        using var client = new HttpClient { BaseAddress = new Uri(server.Url) };
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/labels")).StatusCode);
    }
}
