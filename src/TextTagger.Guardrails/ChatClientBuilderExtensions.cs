using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TextTagger.Guardrails;
using TextTagger.Inference;

namespace Microsoft.Extensions.AI;

/// <summary><c>builder.UseTextTagger(...)</c>: TextTagger's guardrails as a step of a chat client pipeline.</summary>
public static class TextTaggerChatClientBuilderExtensions
{
    /// <summary>Scores the user's messages and the answers with <paramref name="tagger"/> under <paramref name="policy"/>.
    /// The logger and the meter factory come from the builder's services when it has them.</summary>
    public static ChatClientBuilder UseTextTagger(this ChatClientBuilder builder, ITagger tagger, GuardrailPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new TextTaggerChatClient(inner, tagger, policy, Logger(services), Telemetry(services)));
    }

    /// <summary>The tagger and the policy registered by <c>services.AddTextTaggerGuardrails(...)</c>.</summary>
    public static ChatClientBuilder UseTextTagger(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new TextTaggerChatClient(inner, services.GetRequiredService<ITagger>(),
            services.GetRequiredService<IOptions<GuardrailPolicy>>().Value, Logger(services), Telemetry(services)));
    }

    static ILogger? Logger(IServiceProvider services) => services.GetService<ILoggerFactory>()?.CreateLogger<TextTaggerChatClient>();

    static GuardrailTelemetry Telemetry(IServiceProvider services) => services.GetService<GuardrailTelemetry>() ?? GuardrailTelemetry.Shared;
}
