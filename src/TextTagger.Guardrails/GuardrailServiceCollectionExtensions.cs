using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TextTagger.Guardrails;
using TextTagger.Inference;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>services.AddTextTaggerGuardrails(configuration.GetSection("Guardrails"))</c>: the policy as
/// <c>IOptions&lt;GuardrailPolicy&gt;</c>, checked against the model's labels at startup, and the telemetry; then
/// <c>chatClientBuilder.UseTextTagger()</c>. The tagger is the app's <see cref="ITagger"/> (e.g. from
/// <c>services.AddTextTagger</c>, or <c>services.AddSingleton&lt;ITagger&gt;(Tagger.Load("models/toxic-int8"))</c>).
/// </summary>
public static class GuardrailServiceCollectionExtensions
{
    /// <summary>The policy bound from <paramref name="section"/> (see <see cref="GuardrailPolicy"/> for its shape).</summary>
    public static IServiceCollection AddTextTaggerGuardrails(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddTextTaggerGuardrails(section.Path, options => options.Bind(section));
    }

    /// <summary>The policy set in code: <c>p => p.Block(GuardrailDirection.Input, "threat")</c>.</summary>
    public static IServiceCollection AddTextTaggerGuardrails(this IServiceCollection services, Action<GuardrailPolicy> configure) =>
        services.AddTextTaggerGuardrails(nameof(GuardrailPolicy), options => options.Configure(configure));

    static IServiceCollection AddTextTaggerGuardrails(this IServiceCollection services, string section,
                                                      Action<OptionsBuilder<GuardrailPolicy>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        configure(services.AddOptions<GuardrailPolicy>());
        services.AddOptions<GuardrailPolicy>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<GuardrailPolicy>>(provider => new GuardrailStartupCheck(provider.GetRequiredService<ITagger>(), section));
        services.TryAddSingleton(provider => new GuardrailTelemetry(provider.GetService<IMeterFactory>()));
        return services;
    }
}
