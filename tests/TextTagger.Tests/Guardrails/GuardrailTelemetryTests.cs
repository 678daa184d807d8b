using Microsoft.Extensions.AI;
using TextTagger.Guardrails;
using TextTagger.Tests.NGram;
using static TextTagger.Tests.Guardrails.GuardrailTexts;

namespace TextTagger.Tests.Guardrails;

/// <summary>Every decision is counted on the meter TextTagger.Guardrails and logged as an event.</summary>
public sealed class GuardrailTelemetryTests(NGramModelFixture model) : IClassFixture<NGramModelFixture>
{
    [Fact]
    public async Task Decisions_are_counted_by_label_action_and_direction_and_each_scoring_is_timed()
    {
        using var telemetry = new GuardrailTelemetry();
        using var recorder = new DecisionRecorder(telemetry);
        var logger = new CapturingLogger();
        var policy = new GuardrailPolicy().Flag(GuardrailDirection.Input, "insult").Block(GuardrailDirection.Input, "threat")
                                          .LogOnly(GuardrailDirection.Output, "insult");
        var chat = new TextTaggerChatClient(new ScriptedChatClient("w1 " + Insult), model.Tagger, policy, logger, telemetry);
        AssertTagged(model.Tagger, Insult, "insult");
        AssertNotTagged(model.Tagger, Insult, "threat");

        await chat.GetResponseAsync([new ChatMessage(ChatRole.User, Insult)]);                         // flagged in, logged out
        await chat.GetResponseAsync([new ChatMessage(ChatRole.User, Clean)]);                          // passed in, logged out
        await Assert.ThrowsAsync<GuardrailBlockedException>(() => chat.GetResponseAsync([new ChatMessage(ChatRole.User, Threat)]));

        Assert.Equal(
            [("insult", "flag", "input", 1L), ("insult", "logonly", "output", 1L), ("none", "pass", "input", 1L),
             ("insult", "logonly", "output", 1L), ("threat", "block", "input", 1L)],
            recorder.Measurements);
        Assert.Equal(["input", "output", "input", "output", "input"], recorder.Durations.Select(d => d.Direction));
        Assert.All(recorder.Durations, d => Assert.True(d.Milliseconds > 0));
        Assert.Equal([2802, 2803, 2804, 2803, 2801], logger.Events.Select(e => e.Id.Id));
        Assert.Equal("GuardrailBlocked", logger.Events[^1].Id.Name);
        Assert.StartsWith("Guardrail blocked the Input: threat (scores toxic ", logger.Events[^1].Message);
    }

    [Fact]
    public void The_meter_is_named_for_opentelemetry_and_its_instruments_are_stable()
    {
        using var telemetry = new GuardrailTelemetry();
        Assert.Equal("TextTagger.Guardrails", telemetry.Meter.Name);
        Assert.Equal("texttagger.guardrails.decisions", telemetry.Decisions.Name);
        Assert.Equal("texttagger.guardrails.scoring.duration", telemetry.ScoringDuration.Name);
        Assert.Equal("ms", telemetry.ScoringDuration.Unit);
    }
}
