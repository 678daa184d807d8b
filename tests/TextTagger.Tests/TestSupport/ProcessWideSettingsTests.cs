using TextTagger.Modeling;

namespace TextTagger.Tests.TestSupport;

[Collection(TorchRandomCollection.Name)]   // changes the process's environment and libtorch's threads: alone
public sealed class ProcessWideSettingsTests
{
    [Fact]
    public void A_fixture_constructor_that_throws_puts_the_cache_and_threads_back_and_frees_what_it_owns()
    {
        string? cache = Environment.GetEnvironmentVariable("TEXTTAGGER_CACHE");
        int threads = TorchRuntime.Threads;
        var folder = new TempFolder();
        var settings = new ProcessWideSettings();
        var thrown = Assert.Throws<InvalidOperationException>(() => settings.Run(() =>
        {
            Environment.SetEnvironmentVariable("TEXTTAGGER_CACHE", folder.Combine("cache"));
            TorchRuntime.SetThreads(threads == 1 ? 2 : 1);
            throw new InvalidOperationException("the model did not load");
        }, folder));
        Assert.Equal("the model did not load", thrown.Message);
        Assert.Equal(cache, Environment.GetEnvironmentVariable("TEXTTAGGER_CACHE"));
        Assert.Equal(threads, TorchRuntime.Threads);
        Assert.False(Directory.Exists(folder.Path));
    }
}
