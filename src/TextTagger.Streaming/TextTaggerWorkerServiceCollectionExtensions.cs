using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TextTagger;
using TextTagger.Inference;
using TextTagger.Streaming;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Everything a stream worker is told: which model, which streams, how to read them.</summary>
public sealed class TextTaggerWorkerOptions
{
    /// <summary>The model (ignored when the host already registered a <see cref="Tagger"/>, e.g. with AddTextTagger).</summary>
    public TaggerOptions Model { get; set; } = new();
    public StreamOptions Streams { get; set; } = new();
    public WorkerOptions Worker { get; set; } = new();
}

/// <summary><c>services.AddTextTaggerWorker(...)</c>: a stream worker as a hosted service of your own host.</summary>
public static class TextTaggerWorkerServiceCollectionExtensions
{
    /// <summary>Adds a worker with options set in code:
    /// <c>o => { o.Model.ModelPath = "models/toxic-int8"; o.Streams.Redis = "localhost:6379"; o.Streams.Stream = "comments"; }</c>.</summary>
    public static IServiceCollection AddTextTaggerWorker(this IServiceCollection services, Action<TextTaggerWorkerOptions> configure) =>
        services.AddTextTaggerWorker(Configured.With(configure));

    /// <summary>Adds a worker with options bound from configuration:
    /// <c>{ "Model": { "ModelPath": "…" }, "Streams": { "Redis": "…", "Stream": "comments" }, "Worker": { "Batch": 64 } }</c>.</summary>
    public static IServiceCollection AddTextTaggerWorker(this IServiceCollection services, IConfiguration configuration) =>
        services.AddTextTaggerWorker(Configured.With<TextTaggerWorkerOptions>(configuration.Bind));

    /// <summary>Adds a worker with these options; they are checked here, so a bad one fails at startup.</summary>
    public static IServiceCollection AddTextTaggerWorker(this IServiceCollection services, TextTaggerWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Streams.Validate();
        options.Worker.Validate();
        services.TryAddSingleton(_ => Tagger.Load(options.Model));
        services.TryAddSingleton<ITagger>(provider => provider.GetRequiredService<Tagger>());
        services.AddSingleton(options.Streams);
        services.AddSingleton(options.Worker);
        services.AddHostedService<StreamWorkerService>();
        return services;
    }
}
