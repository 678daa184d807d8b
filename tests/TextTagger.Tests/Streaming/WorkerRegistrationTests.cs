using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TextTagger.Inference;
using TextTagger.Streaming;
using TextTagger.Tests.Serving;

namespace TextTagger.Tests.Streaming;

/// <summary>services.AddTextTaggerWorker in a host of one's own: options bound from configuration, the tagger shared
/// with the host's, bad options refused at startup.</summary>
public sealed class WorkerRegistrationTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Configuration_reaches_the_worker_and_a_bad_option_fails_at_registration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Model:ModelPath"] = model.Exported,
            ["Worker:Streams:Redis"] = "127.0.0.1:1",
            ["Worker:Streams:Stream"] = "moderation",
            ["Worker:Worker:Batch"] = "16",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTextTaggerWorker(configuration.GetSection("Worker"));
        using var provider = services.BuildServiceProvider();
        Assert.Equal("moderation", provider.GetRequiredService<StreamOptions>().Stream);
        Assert.Equal("moderation:results", provider.GetRequiredService<StreamOptions>().Results);
        Assert.Equal(16, provider.GetRequiredService<WorkerOptions>().Batch);
        Assert.Single(provider.GetServices<IHostedService>().OfType<StreamWorkerService>());
        var tagger = provider.GetRequiredService<ITagger>();
        Assert.Same(provider.GetRequiredService<Tagger>(), tagger);
        using (var exported = Tagger.Load(model.Exported))
            Assert.Equal(exported.Predict("ugly rude").Probabilities, tagger.Predict("ugly rude").Probabilities);

        // A host that already has a tagger keeps it: the worker scores with the same instance.
        var shared = new ServiceCollection().AddLogging().AddSingleton(model.Tagger);
        shared.AddTextTaggerWorker(o => o.Streams.Stream = "s");
        using (var sharedProvider = shared.BuildServiceProvider())
            Assert.Same(model.Tagger, sharedProvider.GetRequiredService<ITagger>());

        var bad = Assert.Throws<InvalidOptionException>(() => new ServiceCollection().AddTextTaggerWorker(o => o.Worker.Batch = 0));
        Assert.Equal("Batch", bad.Option);
        Assert.Equal("Stream", Assert.Throws<InvalidOptionException>(() => new ServiceCollection().AddTextTaggerWorker(o => o.Streams.Stream = " ")).Option);
    }
}
