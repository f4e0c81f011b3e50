using System.Collections.Concurrent;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace TokenLedger.Access.TrackingUse;

/// <summary>When a key was last used, as last written by some instance. Telemetry, not a ledger fact: it is overwritten.</summary>
public sealed record ApiKeyLastUse(string Id, Instant At);

/// <summary>
/// Remembers each key's last successful authentication in memory (one dictionary write per request) and writes the
/// changed ones every <see cref="AccessOptions.LastUsedFlushSeconds"/>, so the database sees at most one write per key per interval.
/// </summary>
public sealed class KeyUseTracker
{
    private readonly ConcurrentDictionary<string, Instant> _latest = new();
    private readonly ConcurrentDictionary<string, byte> _changed = new();

    public void Touch(string keyId, Instant at)
    {
        _latest[keyId] = at;
        _changed.TryAdd(keyId, 0);
    }

    /// <summary>This instance's latest uses, fresher than what was written.</summary>
    public Instant? LatestOf(string keyId) => _latest.TryGetValue(keyId, out var at) ? at : null;

    public IReadOnlyList<ApiKeyLastUse> TakeChanged()
    {
        var taken = new List<ApiKeyLastUse>();
        foreach (var keyId in _changed.Keys)
            if (_changed.TryRemove(keyId, out _) && _latest.TryGetValue(keyId, out var at)) taken.Add(new ApiKeyLastUse(keyId, at));
        return taken;
    }
}

public sealed class KeyUseWriter(KeyUseTracker tracker, IDocumentStore store, IOptions<AccessOptions> options, ILogger<KeyUseWriter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.LastUsedFlushSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await WriteAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task WriteAsync(CancellationToken ct)
    {
        var changed = tracker.TakeChanged();
        if (changed.Count == 0) return;
        try
        {
            await using var session = store.LightweightSession();
            session.Store(changed.ToArray());
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Last use is approximate by design: a failed write is retried with the next change.
            logger.LogWarning(e, "Writing the last use of {Keys} API keys failed", changed.Count);
        }
    }
}
