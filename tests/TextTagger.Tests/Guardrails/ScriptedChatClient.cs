using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace TextTagger.Tests.Guardrails;

/// <summary>
/// The user's LLM, scripted: answers with the given chunks (joined, or streamed one update each) and records what it
/// was asked, how many chunks it produced and whether its stream was closed by a cancellation.
/// </summary>
sealed class ScriptedChatClient(params string[] chunks) : IChatClient
{
    public List<IReadOnlyList<ChatMessage>> Calls { get; } = [];
    public int ChunksProduced { get; private set; }
    public bool StreamClosed { get; private set; }
    public bool CancelledWhenClosed { get; private set; }
    public string Answer => string.Concat(chunks);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add([.. messages]);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)) { ResponseId = "scripted" });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
                                                                                [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls.Add([.. messages]);
        try
        {
            foreach (var chunk in chunks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ChunksProduced++;
                yield return new ChatResponseUpdate(ChatRole.Assistant, chunk);
                await Task.Yield();
            }
        }
        finally
        {
            StreamClosed = true;
            CancelledWhenClosed = cancellationToken.IsCancellationRequested;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}
