using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TextTagger.Inference;

namespace TextTagger.Guardrails;

/// <summary>
/// A step of the <see cref="IChatClient"/> pipeline (<c>builder.UseTextTagger(tagger, policy)</c>) that scores the
/// user's new messages before the inner client is called, and the answer after; a streamed answer is scored as it
/// grows, at each boundary of <see cref="GuardrailPolicy.StreamingBoundary"/>, and cut at the first one where a
/// blocked label reaches its threshold (the inner stream is cancelled).
/// </summary>
public sealed class TextTaggerChatClient : DelegatingChatClient
{
    readonly GuardrailJudge _judge;
    readonly ILogger _logger;

    /// <summary>Checks <paramref name="policy"/> against the tagger's labels: <see cref="InvalidOptionException"/>
    /// naming the first bad rule.</summary>
    public TextTaggerChatClient(IChatClient innerClient, ITagger tagger, GuardrailPolicy policy, ILogger? logger = null,
                                GuardrailTelemetry? telemetry = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(tagger);
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate(tagger.Labels);
        Policy = policy;
        _logger = logger ?? NullLogger.Instance;
        _judge = new GuardrailJudge(tagger, policy, _logger, telemetry ?? GuardrailTelemetry.Shared);
    }

    public GuardrailPolicy Policy { get; }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
                                                              CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var input = await JudgeInputAsync(conversation, cancellationToken).ConfigureAwait(false);
        if (input is { IsBlocked: true }) return RefusalResponse(input);

        var response = await base.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
        GuardrailProperties.AddFlags(input, () => response.AdditionalProperties ??= []);
        string answer = response.Text;
        if (answer.Length == 0) return response;

        var output = await _judge.JudgeAsync(GuardrailDirection.Output, [answer], cancellationToken).ConfigureAwait(false);
        if (output.IsBlocked)
        {
            var refused = RefusalResponse(output);
            refused.ResponseId = response.ResponseId;
            refused.ModelId = response.ModelId;
            return refused;
        }
        GuardrailProperties.AddFlags(output, () => response.AdditionalProperties ??= []);
        if (response.Messages.LastOrDefault() is { } last) GuardrailProperties.AddFlags(output, () => last.AdditionalProperties ??= []);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var input = await JudgeInputAsync(conversation, cancellationToken).ConfigureAwait(false);
        if (input is { IsBlocked: true })
        {
            yield return RefusalUpdate(Refusal(input));
            yield break;
        }

        var answer = new AnswerStream(Policy);
        var held = new List<ChatResponseUpdate>();
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bool first = true;
        await foreach (var update in base.GetStreamingResponseAsync(conversation, options, cut.Token).WithCancellation(cut.Token).ConfigureAwait(false))
        {
            held.Add(update);
            if (first) GuardrailProperties.AddFlags(input, () => update.AdditionalProperties ??= []);
            first = false;
            if (answer.Append(update.Text))
            {
                var output = await _judge.JudgeAsync(GuardrailDirection.Output, [answer.Text], cancellationToken).ConfigureAwait(false);
                if (output.IsBlocked)
                {
                    cut.Cancel();   // the inner stream stops here (and its enumerator is disposed on the way out)
                    yield return Cut(output, answer);
                    yield break;
                }
                answer.ScoredClean();
                GuardrailProperties.AddFlags(output, () => update.AdditionalProperties ??= []);
            }
            else if (Policy.StreamingHoldBack && answer.HasUnscoredText) continue;
            foreach (var ready in held)
            {
                answer.HandedOut(ready.Text.Length);
                yield return ready;
            }
            held.Clear();
        }

        if (answer.HasUnscoredText)   // the end of the answer is a boundary too
        {
            var output = await _judge.JudgeAsync(GuardrailDirection.Output, [answer.Text], cancellationToken).ConfigureAwait(false);
            if (output.IsBlocked)
            {
                yield return Cut(output, answer);
                yield break;
            }
            answer.ScoredClean();
            if (held.Count > 0) GuardrailProperties.AddFlags(output, () => held[^1].AdditionalProperties ??= []);
        }
        foreach (var ready in held) yield return ready;
    }

    /// <summary>The user's messages of this turn: those after the last message of any other role.</summary>
    async Task<GuardrailDecision?> JudgeInputAsync(IReadOnlyList<ChatMessage> conversation, CancellationToken cancellationToken)
    {
        int start = conversation.Count;
        while (start > 0 && conversation[start - 1].Role == ChatRole.User) start--;
        var texts = conversation.Skip(start).Select(m => m.Text).Where(t => t.Length > 0).ToArray();
        if (texts.Length == 0) return null;
        var decision = await _judge.JudgeAsync(GuardrailDirection.Input, texts, cancellationToken).ConfigureAwait(false);
        if (decision.Flagged.Count > 0)
            foreach (var message in conversation.Skip(start)) GuardrailProperties.AddFlags(decision, () => message.AdditionalProperties ??= []);
        return decision;
    }

    /// <summary>The refusal message, or the typed exception when the policy has no refusal text.</summary>
    ChatMessage Refusal(GuardrailDecision decision, int exposed = 0) =>
        Policy.Refusal is { } refusal
            ? new ChatMessage(ChatRole.Assistant, refusal) { AdditionalProperties = GuardrailProperties.ForRefusal(decision) }
            : throw new GuardrailBlockedException(decision, exposed);

    ChatResponse RefusalResponse(GuardrailDecision decision) =>
        new(Refusal(decision)) { FinishReason = ChatFinishReason.ContentFilter };

    ChatResponseUpdate Cut(GuardrailDecision decision, AnswerStream answer)
    {
        GuardrailLog.StreamCut(_logger, answer.Length, answer.Exposed);
        var refusal = RefusalUpdate(Refusal(decision, answer.Exposed));
        refusal.AdditionalProperties![GuardrailProperties.ExposedCharacters] = answer.Exposed;
        return refusal;
    }

    static ChatResponseUpdate RefusalUpdate(ChatMessage refusal) =>
        new(ChatRole.Assistant, refusal.Text) { AdditionalProperties = refusal.AdditionalProperties, FinishReason = ChatFinishReason.ContentFilter };
}
