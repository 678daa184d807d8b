using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

/// <summary>Stands in for your LLM (an OpenAI, Ollama or Azure client): a short polite answer, or "Repeat: …" repeated,
/// streamed a word at a time.</summary>
sealed class ScriptedLlm : IChatClient
{
    public int Calls { get; private set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken)) updates.Add(update);
        return updates.ToChatResponse();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
                                                                                [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls++;
        string question = messages.Last(m => m.Role == ChatRole.User).Text;
        string reply = question.StartsWith("Repeat: ", StringComparison.Ordinal)
            ? $"Sure. {question["Repeat: ".Length..]} Anything else?"   // an LLM can be made to say anything
            : "Happy to help. Here is a short answer. Anything else?";
        foreach (var word in reply.Split(' '))
        {
            await Task.Delay(1, cancellationToken);   // tokens arrive over time
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;
    public void Dispose() { }
}
