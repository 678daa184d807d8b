using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TextTagger.Inference;

namespace TextTagger.Streaming;

/// <summary>Hosts one worker: the tagger, the options and <see cref="StreamWorkerService"/> in a generic host with
/// console logging; runs until SIGTERM or Ctrl+C. `texttagger worker` and the TextTagger.Worker program call this;
/// in a host of your own, call <c>services.AddTextTaggerWorker(...)</c>.</summary>
public static class StreamWorkerHost
{
    /// <summary>How long SIGTERM or Ctrl+C lets the batch in hand finish, by default.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    public static IHost Build(Tagger tagger, StreamOptions streams, WorkerOptions options, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = false });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = shutdownTimeout ?? DefaultShutdownTimeout);
        builder.Services.AddSingleton(tagger);
        builder.Services.AddTextTaggerWorker(new TextTaggerWorkerOptions { Streams = streams, Worker = options });
        return builder.Build();
    }
}
