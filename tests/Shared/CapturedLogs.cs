using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TokenLedger.Testing;

/// <summary>
/// A logger provider that keeps every formatted entry in memory, added beside the real providers so a test can read
/// what the service logged (a give-up's warning, its reason and tenant). Compiled into both test projects.
/// </summary>
public sealed class CapturedLogs(LogLevel minimum = LogLevel.Trace) : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public sealed record Entry(LogLevel Level, string Category, string Message, IReadOnlyDictionary<string, object?> State);

    public IReadOnlyList<Entry> Entries => _entries.ToArray();

    public IReadOnlyList<Entry> At(LogLevel level, string category) =>
        Entries.Where(e => e.Level == level && e.Category == category).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private LogLevel Minimum => minimum;

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= logs.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            logs._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception),
                values.GroupBy(v => v.Key).ToDictionary(g => g.Key, g => g.First().Value)));
        }
    }
}
