using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TextTagger.Guardrails;
using TextTagger.Inference;

// dotnet ChatApp.dll MODEL_DIR "message" …: each message is one turn of a chat whose LLM is guarded by the model
// (the policy is appsettings.json's "Guardrails" section). Without messages, it reads them from the console.
var builder = Host.CreateApplicationBuilder();
builder.Services.AddSingleton<ITagger>(_ => Tagger.Load(args[0]));
builder.Services.AddTextTaggerGuardrails(builder.Configuration.GetSection("Guardrails"));
var llm = new ScriptedLlm();
builder.Services.AddChatClient(llm).UseTextTagger();
using var host = builder.Build();
IChatClient chat;
try
{
    chat = host.Services.GetRequiredService<IChatClient>();   // the policy is checked against the model's labels here
}
catch (OptionsValidationException e)                          // e.g. "Guardrails:Input:insultt names no label of the model (…)"
{
    Console.Error.WriteLine($"ChatApp: {e.Message}");
    return 1;
}
await host.StartAsync();

var history = new List<ChatMessage>();
foreach (var text in args.Length > 1 ? args[1..] : ReadConsole())
{
    Console.WriteLine($"you> {text}");
    var message = new ChatMessage(ChatRole.User, text);
    history.Add(message);
    Console.Write("bot> ");
    var answer = new System.Text.StringBuilder();
    bool refused = false;
    await foreach (var update in chat.GetStreamingResponseAsync(history))
    {
        refused |= update.FinishReason == ChatFinishReason.ContentFilter;
        if (update.AdditionalProperties?.TryGetValue(GuardrailProperties.ExposedCharacters, out var seen) == true)
            Console.Write($"[cut: {seen} characters of the blocked sentence were shown] ");
        Console.Write(update.Text);
        answer.Append(update.Text);
    }
    Console.WriteLine();
    if (message.AdditionalProperties?.TryGetValue(GuardrailProperties.Scores(GuardrailDirection.Input), out var scores) == true)
    {
        var tags = (string[])message.AdditionalProperties[GuardrailProperties.Tags(GuardrailDirection.Input)]!;
        var probabilities = (IReadOnlyDictionary<string, double>)scores!;
        Console.WriteLine($"     (flagged: {string.Join(", ", tags.Select(t => $"{t} {probabilities[t].ToString("F3", CultureInfo.InvariantCulture)}"))})");
    }
    if (refused) history.Remove(message);   // a refused turn is not sent to the model again
    else history.Add(new ChatMessage(ChatRole.Assistant, answer.ToString().TrimEnd()));
}
Console.WriteLine($"model calls: {llm.Calls}");
await host.StopAsync();
return 0;

static IEnumerable<string> ReadConsole()
{
    while (Console.ReadLine() is { } line && line.Length > 0) yield return line;
}
