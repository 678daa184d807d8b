using PuppeteerSharp;

namespace TextTagger.Tests.TestSupport;

/// <summary>
/// The system's Chromium (Debian's `chromium` package, which .ci/run installs), driven by PuppeteerSharp. Browsers
/// cannot be downloaded here, so there is no fallback: a missing browser fails the test with the command that
/// installs it. CHROMIUM_PATH points elsewhere.
/// </summary>
public static class HeadlessChromium
{
    public static string ExecutablePath
    {
        get
        {
            string? chosen = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
            var found = new[] { chosen, "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
            return found ?? throw new InvalidOperationException(
                "no Chromium found at /usr/bin/chromium: install it with `apt-get install chromium` (or set CHROMIUM_PATH)");
        }
    }

    public static Task<IBrowser> LaunchAsync() => Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars"],
        Timeout = 60_000,
    });
}
