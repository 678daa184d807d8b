using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TextTagger.Guardrails;
using TextTagger.Inference;
using TextTagger.Tests.NGram;
using static TextTagger.Tests.Guardrails.GuardrailTexts;

namespace TextTagger.Tests.Guardrails;

/// <summary>The policy from configuration through IOptions, registered with DI, checked at startup.</summary>
public sealed class GuardrailConfigurationTests(NGramModelFixture model) : IClassFixture<NGramModelFixture>
{
    static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    ServiceProvider Services(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ITagger>(model.Tagger);
        services.AddTextTaggerGuardrails(configuration.GetSection("Guardrails"));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task The_policy_round_trips_from_configuration_and_drives_the_chat_client()
    {
        var configuration = Configuration(
            ("Guardrails:Input:threat:Action", "Block"),
            ("Guardrails:Input:insult:Action", "Flag"),
            ("Guardrails:Input:insult:Threshold", "0.25"),
            ("Guardrails:Output:toxic:Action", "LogOnly"),
            ("Guardrails:Refusal", "Let's keep it civil."),
            ("Guardrails:StreamingBoundary", "Tokens"),
            ("Guardrails:StreamingTokens", "8"),
            ("Guardrails:StreamingHoldBack", "true"));
        using var services = Services(configuration);

        var policy = services.GetRequiredService<IOptions<GuardrailPolicy>>().Value;
        Assert.Equal(GuardrailAction.Block, policy.Input["threat"].Action);
        Assert.Null(policy.Input["threat"].Threshold);
        Assert.Equal(GuardrailAction.Flag, policy.Input["insult"].Action);
        Assert.Equal(0.25, policy.Input["insult"].Threshold);
        Assert.Equal(GuardrailAction.LogOnly, Assert.Single(policy.Output).Value.Action);
        Assert.Equal("Let's keep it civil.", policy.Refusal);
        Assert.Equal(StreamingBoundary.Tokens, policy.StreamingBoundary);
        Assert.Equal(8, policy.StreamingTokens);
        Assert.True(policy.StreamingHoldBack);

        var inner = new ScriptedChatClient("hello");
        var chat = new ChatClientBuilder(inner).UseTextTagger().Build(services);
        Assert.Equal("Let's keep it civil.", (await chat.GetResponseAsync([new ChatMessage(ChatRole.User, Threat)])).Text);
        Assert.Empty(inner.Calls);
        Assert.NotNull(chat.GetService<TextTaggerChatClient>());
    }

    [Theory]
    [InlineData("Guardrails:Input:insultt:Action", "Block", "Guardrails:Input:insultt names no label of the model (its labels: toxic, insult, threat)")]
    [InlineData("Guardrails:Output:toxic:Threshold", "1.5", "Guardrails:Output:toxic:Threshold must be between 0 and 1, got 1.5")]
    [InlineData("Guardrails:Input:threat:Threshold", "-0.1", "Guardrails:Input:threat:Threshold must be between 0 and 1, got -0.1")]
    [InlineData("Guardrails:StreamingTokens", "0", "Guardrails:StreamingTokens must be ≥ 1, got 0")]
    public async Task Bad_configuration_is_a_one_line_error_at_startup_naming_the_key(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("Guardrails:Output:toxic:Action", "Block"), new(key, value)]);
        builder.Services.AddSingleton<ITagger>(model.Tagger);
        builder.Services.AddTextTaggerGuardrails(builder.Configuration.GetSection("Guardrails"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_policy_set_in_code_is_checked_the_same_way()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ITagger>(model.Tagger);
        services.AddTextTaggerGuardrails(p => p.Block(GuardrailDirection.Input, "threat", threshold: 2));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GuardrailPolicy>>().Value);
        Assert.Equal("GuardrailPolicy:Input:threat:Threshold must be between 0 and 1, got 2", error.Message);
    }
}
