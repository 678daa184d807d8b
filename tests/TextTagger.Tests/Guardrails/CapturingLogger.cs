using Microsoft.Extensions.Logging;

namespace TextTagger.Tests.Guardrails;

/// <summary>A logger that keeps every event (id, level, message) it is given.</summary>
sealed class CapturingLogger : ILogger
{
    public List<(EventId Id, LogLevel Level, string Message)> Events { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Events) Events.Add((eventId, logLevel, formatter(state, exception)));
    }
}
