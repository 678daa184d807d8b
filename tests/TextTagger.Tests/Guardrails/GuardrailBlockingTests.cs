using Microsoft.Extensions.AI;
using TextTagger.Guardrails;
using TextTagger.Tests.NGram;
using static TextTagger.Tests.Guardrails.GuardrailTexts;

namespace TextTagger.Tests.Guardrails;

/// <summary>Whole (not streamed) exchanges through <c>UseTextTagger</c>, scored by an n-gram model trained on the
/// synthetic comments.</summary>
public sealed class GuardrailBlockingTests(NGramModelFixture model) : IClassFixture<NGramModelFixture>
{
    IChatClient Guarded(ScriptedChatClient inner, GuardrailPolicy policy) =>
        new ChatClientBuilder(inner).UseTextTagger(model.Tagger, policy).Build();

    static ChatMessage User(string text) => new(ChatRole.User, text);

    [Fact]
    public async Task A_blocked_input_never_reaches_the_inner_client_and_the_exception_carries_direction_scores_and_labels()
    {
        AssertTagged(model.Tagger, Insult, "insult");
        var inner = new ScriptedChatClient("Sure, here you go.");
        var chat = Guarded(inner, new GuardrailPolicy().Block(GuardrailDirection.Input, "insult"));

        var blocked = await Assert.ThrowsAsync<GuardrailBlockedException>(() => chat.GetResponseAsync([User(Insult)]));

        Assert.Empty(inner.Calls);
        Assert.Equal(GuardrailDirection.Input, blocked.Direction);
        Assert.Equal(["insult"], blocked.Labels);
        Assert.Equal(Score(model.Tagger, Insult, "insult"), blocked.Scores["insult"], 12);
        Assert.Equal(model.Tagger.Labels, blocked.Scores.Keys);
        Assert.DoesNotContain('\n', blocked.Message);
        Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the message was blocked (insult {blocked.Scores["insult"]:F3})"),
                     blocked.Message);
    }

    [Fact]
    public async Task A_clean_input_reaches_the_inner_client_and_its_answer_comes_back_untouched()
    {
        AssertNotTagged(model.Tagger, Clean, "insult");
        var inner = new ScriptedChatClient("Happy to help.");
        var chat = Guarded(inner, new GuardrailPolicy().Block(GuardrailDirection.Input, "insult").Block(GuardrailDirection.Output, "insult"));

        var response = await chat.GetResponseAsync([User(Clean)]);

        Assert.Single(inner.Calls);
        Assert.Equal("Happy to help.", response.Text);
        Assert.Null(response.AdditionalProperties);
    }

    [Fact]
    public async Task Only_the_users_messages_of_this_turn_are_scored()
    {
        // An insult in the history (answered already) does not block the next, clean, message.
        var inner = new ScriptedChatClient("Happy to help.");
        var chat = Guarded(inner, new GuardrailPolicy().Block(GuardrailDirection.Input, "insult"));
        ChatMessage[] conversation = [User(Insult), new(ChatRole.Assistant, "Let's keep it civil."), User(Clean)];

        Assert.Equal("Happy to help.", (await chat.GetResponseAsync(conversation)).Text);
        await Assert.ThrowsAsync<GuardrailBlockedException>(() => chat.GetResponseAsync([User(Clean), User(Insult)]));
        Assert.Single(inner.Calls);
    }

    [Fact]
    public async Task A_blocked_input_with_a_refusal_is_answered_with_it_and_the_model_is_not_called()
    {
        var inner = new ScriptedChatClient("Sure, here you go.");
        var chat = Guarded(inner, new GuardrailPolicy { Refusal = "Let's keep it civil." }.Block(GuardrailDirection.Input, "threat"));

        var response = await chat.GetResponseAsync([User(Threat)]);

        Assert.Empty(inner.Calls);
        Assert.Equal("Let's keep it civil.", response.Text);
        Assert.Equal(ChatFinishReason.ContentFilter, response.FinishReason);
        Assert.Equal(["threat"], (string[])response.Messages[0].AdditionalProperties![GuardrailProperties.Blocked(GuardrailDirection.Input)]!);
    }

    [Fact]
    public async Task A_blocked_output_is_never_returned()
    {
        string answer = "well " + Threat;
        AssertTagged(model.Tagger, answer, "threat");
        var inner = new ScriptedChatClient(answer);

        var thrown = await Assert.ThrowsAsync<GuardrailBlockedException>(() =>
            Guarded(inner, new GuardrailPolicy().Block(GuardrailDirection.Output, "threat")).GetResponseAsync([User(Clean)]));
        Assert.Equal(GuardrailDirection.Output, thrown.Direction);
        Assert.DoesNotContain(answer, thrown.Message);

        var refused = await Guarded(inner, new GuardrailPolicy { Refusal = "I can't say that." }.Block(GuardrailDirection.Output, "threat"))
            .GetResponseAsync([User(Clean)]);
        Assert.Equal("I can't say that.", refused.Text);
        Assert.DoesNotContain(refused.Messages, m => m.Text.Contains("angry"));
        Assert.Equal(2, inner.Calls.Count);   // the model answered both times; its answer went nowhere
    }

    [Fact]
    public async Task Flag_mode_passes_everything_through_with_the_scores_and_tags_attached()
    {
        string answer = "w1 " + Insult;
        var inner = new ScriptedChatClient(answer);
        var chat = Guarded(inner, new GuardrailPolicy().Flag(GuardrailDirection.Input, "insult").Flag(GuardrailDirection.Output, "insult")
                                                      .Flag(GuardrailDirection.Output, "threat"));
        var question = User(Insult);

        var response = await chat.GetResponseAsync([question]);

        Assert.Single(inner.Calls);
        Assert.Equal(answer, response.Text);
        var input = (IReadOnlyDictionary<string, double>)response.AdditionalProperties![GuardrailProperties.Scores(GuardrailDirection.Input)]!;
        Assert.Equal(Score(model.Tagger, Insult, "insult"), input["insult"], 12);
        Assert.Equal(["insult"], (string[])response.AdditionalProperties[GuardrailProperties.Tags(GuardrailDirection.Input)]!);
        Assert.Equal(["insult"], (string[])question.AdditionalProperties![GuardrailProperties.Tags(GuardrailDirection.Input)]!);
        var output = (IReadOnlyDictionary<string, double>)response.AdditionalProperties[GuardrailProperties.Scores(GuardrailDirection.Output)]!;
        Assert.Equal(model.Tagger.Predict(answer).Probabilities, output.Values);
        AssertNotTagged(model.Tagger, answer, "threat");   // so threat is scored but not a tag
        Assert.Equal(["insult"], (string[])response.Messages[^1].AdditionalProperties![GuardrailProperties.Tags(GuardrailDirection.Output)]!);
    }

    [Fact]
    public async Task Log_only_passes_the_text_untouched_and_logs_the_decision()
    {
        var logger = new CapturingLogger();
        var inner = new ScriptedChatClient("fine");
        var chat = new TextTaggerChatClient(inner, model.Tagger, new GuardrailPolicy().LogOnly(GuardrailDirection.Input, "insult"), logger);

        var response = await chat.GetResponseAsync([User(Insult)]);

        Assert.Equal("fine", response.Text);
        Assert.Null(response.AdditionalProperties);
        var logged = Assert.Single(logger.Events, e => e.Id.Id == 2803);
        Assert.Contains("insult", logged.Message);
        Assert.Contains(logger.Events, e => e.Id.Id == 2804);   // the output: no rule, passed
    }

    [Fact]
    public async Task A_rule_without_a_threshold_takes_the_models_own_and_one_with_a_threshold_takes_that()
    {
        string[] texts = [Clean, Insult, "ugly w1 w2 w3 w4 w5 w6 w7 w8", "w9 w10 ugly", "rude w2", "hate nice"];
        double own = OwnThreshold(model.Tagger, "insult");
        var scores = texts.Select(t => Score(model.Tagger, t, "insult")).ToArray();
        Assert.Contains(scores, s => s >= own);
        Assert.Contains(scores, s => s < own);
        for (int i = 0; i < texts.Length; i++)
        {
            var byModel = Guarded(new ScriptedChatClient("ok"), new GuardrailPolicy().Block(GuardrailDirection.Input, "insult"));
            Assert.Equal(scores[i] >= own, await IsBlocked(byModel, texts[i]));
            // Just above and at the text's own score: the rule's threshold decides, not the model's.
            var above = Guarded(new ScriptedChatClient("ok"), new GuardrailPolicy().Block(GuardrailDirection.Input, "insult", Math.Min(1, scores[i] + 1e-6)));
            Assert.False(await IsBlocked(above, texts[i]));
            var at = Guarded(new ScriptedChatClient("ok"), new GuardrailPolicy().Block(GuardrailDirection.Input, "insult", scores[i]));
            Assert.True(await IsBlocked(at, texts[i]));
        }
    }

    static async Task<bool> IsBlocked(IChatClient chat, string text)
    {
        try
        {
            await chat.GetResponseAsync([User(text)]);
            return false;
        }
        catch (GuardrailBlockedException)
        {
            return true;
        }
    }

    [Fact]
    public void A_policy_for_a_label_the_model_lacks_fails_when_the_client_is_made_in_one_line()
    {
        var policy = new GuardrailPolicy().Block(GuardrailDirection.Output, "insultt");
        var error = Assert.Throws<InvalidOptionException>(() => new TextTaggerChatClient(new ScriptedChatClient(), model.Tagger, policy));
        Assert.Equal("Output:insultt names no label of the model (its labels: toxic, insult, threat)", error.Message);
    }
}
