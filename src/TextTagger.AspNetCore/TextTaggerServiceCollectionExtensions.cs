using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TextTagger;
using TextTagger.Inference;
using TextTagger.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>services.AddTextTagger(...)</c>: the tagger (as <see cref="ITagger"/> and <see cref="Tagger"/>, one instance,
/// loaded when first asked for) and what <c>MapTextTagger</c>'s endpoints use: the admission queue, the micro-batcher,
/// the metrics registry and the readiness health check.
/// </summary>
public static class TextTaggerServiceCollectionExtensions
{
    /// <summary>Adds TextTagger with options set in code: <c>o => o.Model.ModelPath = "models/toxic-int8"</c>.</summary>
    public static IServiceCollection AddTextTagger(this IServiceCollection services, Action<TaggerServerOptions> configure) =>
        services.AddTextTagger(Configured.With(configure));

    /// <summary>Adds TextTagger with options bound from configuration, e.g. the section "TextTagger":
    /// <c>{ "Model": { "ModelPath": "models/toxic-int8", "Threshold": 0.5 }, "MaxTextsPerRequest": 64, "Page": false }</c>.</summary>
    public static IServiceCollection AddTextTagger(this IServiceCollection services, IConfiguration configuration) =>
        services.AddTextTagger(Configured.With<TaggerServerOptions>(configuration.Bind));

    /// <summary>Adds TextTagger with these options (checked when the model loads).</summary>
    public static IServiceCollection AddTextTagger(this IServiceCollection services, TaggerServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton<ServedModel>();
        services.TryAddSingleton(provider => provider.GetRequiredService<ServedModel>().Tagger);
        services.TryAddSingleton<ITagger>(provider => provider.GetRequiredService<Tagger>());
        services.TryAddSingleton<ServerMetrics>();
        services.TryAddSingleton<AdmissionGate>();
        services.TryAddSingleton<ApiKeys>();
        services.TryAddSingleton<IPredictionService>(provider =>
        {
            var served = provider.GetRequiredService<ServedModel>();
            var chosen = provider.GetRequiredService<TaggerServerOptions>();
            var metrics = provider.GetRequiredService<ServerMetrics>();
            return chosen.MicroBatching ? new MicroBatcher(served, chosen, metrics) : new DirectPredictor(served, chosen, metrics);
        });
        services.AddHealthChecks().AddCheck<ReadinessCheck>("texttagger", tags: [TextTaggerEndpoints.ReadyTag]);
        return services;
    }
}
