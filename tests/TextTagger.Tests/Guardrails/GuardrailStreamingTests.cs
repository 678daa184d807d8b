using Microsoft.Extensions.AI;
using TextTagger.Guardrails;
using TextTagger.Tests.NGram;
using static TextTagger.Tests.Guardrails.GuardrailTexts;

namespace TextTagger.Tests.Guardrails;

/// <summary>Streamed answers: scored as they grow, cut at the first boundary past a blocked label's threshold.</summary>
public sealed class GuardrailStreamingTests(NGramModelFixture model) : IClassFixture<NGramModelFixture>
{
    // A clean first sentence, then an insult whose sentence ends in the fifth chunk, then more that must never come.
    static readonly string[] Answer = ["good nice ", "kind calm. ", "you are ", "ugly ugly ", "w3 rude. ", "love happy ", "good. "];
    const string FirstSentence = "good nice kind calm. ";

    static readonly ChatMessage[] Question = [new(ChatRole.User, Clean)];

    TextTaggerChatClient Guarded(ScriptedChatClient inner, GuardrailPolicy policy) => new(inner, model.Tagger, policy);

    /// <summary>The updates handed out before the stream ended or threw.</summary>
    static async Task<(List<ChatResponseUpdate> Updates, Exception? Error)> Read(IAsyncEnumerable<ChatResponseUpdate> stream)
    {
        var updates = new List<ChatResponseUpdate>();
        try
        {
            await foreach (var update in stream) updates.Add(update);
            return (updates, null);
        }
        catch (Exception e)
        {
            return (updates, e);
        }
    }

    void AssertTheFirstSentenceIsCleanAndTheSecondIsNot()
    {
        AssertNotTagged(model.Tagger, FirstSentence, "insult");
        AssertTagged(model.Tagger, string.Concat(Answer[..5]), "insult");
    }

    [Fact]
    public async Task A_streamed_answer_stops_at_the_first_sentence_end_past_the_threshold_and_the_inner_stream_is_cancelled()
    {
        AssertTheFirstSentenceIsCleanAndTheSecondIsNot();
        var inner = new ScriptedChatClient(Answer);

        var (updates, error) = await Read(Guarded(inner, new GuardrailPolicy().Block(GuardrailDirection.Output, "insult"))
            .GetStreamingResponseAsync(Question));

        var blocked = Assert.IsType<GuardrailBlockedException>(error);
        Assert.Equal(GuardrailDirection.Output, blocked.Direction);
        // Handed out: everything before the chunk that ended the offending sentence; that chunk was scored, not sent.
        Assert.Equal(FirstSentence + "you are ugly ugly ", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("you are ugly ugly ".Length, blocked.ExposedCharacters);
        Assert.Equal(5, inner.ChunksProduced);
        Assert.True(inner.StreamClosed);
        Assert.True(inner.CancelledWhenClosed);
    }

    [Fact]
    public async Task A_cut_stream_ends_with_the_refusal_saying_how_much_of_the_blocked_stretch_was_seen()
    {
        var inner = new ScriptedChatClient(Answer);
        var policy = new GuardrailPolicy { Refusal = "[removed]" }.Block(GuardrailDirection.Output, "insult");

        var (updates, error) = await Read(Guarded(inner, policy).GetStreamingResponseAsync(Question));

        Assert.Null(error);
        var last = updates[^1];
        Assert.Equal("[removed]", last.Text);
        Assert.Equal(ChatFinishReason.ContentFilter, last.FinishReason);
        Assert.Equal("you are ugly ugly ".Length, last.AdditionalProperties![GuardrailProperties.ExposedCharacters]);
        Assert.Equal(FirstSentence + "you are ugly ugly [removed]", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Holding_back_shows_nothing_of_the_blocked_stretch()
    {
        AssertTheFirstSentenceIsCleanAndTheSecondIsNot();
        var inner = new ScriptedChatClient(Answer);
        var policy = new GuardrailPolicy { StreamingHoldBack = true }.Block(GuardrailDirection.Output, "insult");

        var (updates, error) = await Read(Guarded(inner, policy).GetStreamingResponseAsync(Question));

        Assert.Equal(0, Assert.IsType<GuardrailBlockedException>(error).ExposedCharacters);
        Assert.Equal(FirstSentence, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(5, inner.ChunksProduced);
    }

    [Fact]
    public async Task Every_n_tokens_the_cut_comes_at_the_first_multiple_of_n_past_the_offending_text()
    {
        AssertNotTagged(model.Tagger, string.Concat(Answer[..2]), "insult");
        AssertNotTagged(model.Tagger, string.Concat(Answer[..3]), "insult");   // so the cut cannot come at 3
        var inner = new ScriptedChatClient(Answer);
        var policy = new GuardrailPolicy { StreamingBoundary = StreamingBoundary.Tokens, StreamingTokens = 3 }.Block(GuardrailDirection.Output, "insult");

        var (updates, error) = await Read(Guarded(inner, policy).GetStreamingResponseAsync(Question));

        // Scored after updates 3 (clean) and 6: updates 4 and 5 were handed out before the cut.
        Assert.IsType<GuardrailBlockedException>(error);
        Assert.Equal(5, updates.Count);
        Assert.Equal(6, inner.ChunksProduced);
        Assert.Equal(Answer[3].Length + Answer[4].Length, ((GuardrailBlockedException)error!).ExposedCharacters);
    }

    [Fact]
    public async Task A_clean_streamed_answer_passes_whole_and_flags_ride_on_the_update_that_was_scored()
    {
        var inner = new ScriptedChatClient(Answer);
        var policy = new GuardrailPolicy().Block(GuardrailDirection.Output, "threat").Flag(GuardrailDirection.Output, "insult");
        AssertNotTagged(model.Tagger, string.Concat(Answer), "threat");

        var (updates, error) = await Read(Guarded(inner, policy).GetStreamingResponseAsync(Question));

        Assert.Null(error);
        Assert.Equal(Answer, updates.Select(u => u.Text));
        Assert.Null(updates[1].AdditionalProperties);   // the first sentence: scored, nothing to flag
        Assert.Equal(["insult"], (string[])updates[4].AdditionalProperties![GuardrailProperties.Tags(GuardrailDirection.Output)]!);
        Assert.True(inner.StreamClosed);
        Assert.False(inner.CancelledWhenClosed);
    }

    [Fact]
    public async Task A_blocked_input_is_refused_in_a_stream_without_calling_the_model()
    {
        var inner = new ScriptedChatClient(Answer);
        var policy = new GuardrailPolicy { Refusal = "No." }.Block(GuardrailDirection.Input, "threat");

        var (updates, error) = await Read(Guarded(inner, policy).GetStreamingResponseAsync([new ChatMessage(ChatRole.User, Threat)]));

        Assert.Null(error);
        Assert.Equal("No.", Assert.Single(updates).Text);
        Assert.Empty(inner.Calls);
    }

    [Fact]
    public async Task Cancellation_before_the_call_stops_the_scoring_and_the_model_is_not_called()
    {
        using var telemetry = new GuardrailTelemetry();
        using var decisions = new DecisionRecorder(telemetry);
        var inner = new ScriptedChatClient(Answer);
        var chat = new TextTaggerChatClient(inner, model.Tagger, new GuardrailPolicy().Block(GuardrailDirection.Input, "insult"), telemetry: telemetry);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chat.GetResponseAsync(Question, cancellationToken: cancelled.Token));
        var (updates, streamError) = await Read(chat.GetStreamingResponseAsync(Question, cancellationToken: cancelled.Token));
        Assert.IsAssignableFrom<OperationCanceledException>(streamError);
        Assert.Empty(updates);

        Assert.Empty(inner.Calls);
        Assert.Empty(decisions.Measurements);   // nothing was scored
    }

    [Fact]
    public async Task Cancelling_a_stream_midway_stops_it_and_the_inner_stream()
    {
        var inner = new ScriptedChatClient(Answer);
        var chat = Guarded(inner, new GuardrailPolicy().Block(GuardrailDirection.Output, "insult"));
        using var cancel = new CancellationTokenSource();
        var received = new List<string>();

        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync(Question, cancellationToken: cancel.Token))
            {
                received.Add(update.Text);
                if (received.Count == 2) cancel.Cancel();
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(Answer[..2], received);
        Assert.True(inner.ChunksProduced <= 3, $"{inner.ChunksProduced} chunks produced after the cancellation");
        Assert.True(inner.StreamClosed);
        Assert.True(inner.CancelledWhenClosed);
    }
}
