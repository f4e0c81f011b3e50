using System.Text.Json;
using Npgsql;
using NodaTime.Text;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>How many times a usage commit is tried before its items are committed one by one (TokenLedger:Ingest:CommitAttempts).</summary>
public sealed class UsageCommitOptions
{
    public const int DefaultAttempts = 5;

    public int Attempts { get; set; } = DefaultAttempts;
}

/// <summary>
/// Tells a failure that will pass (the database is down, a connection broke, a serialization conflict) from one that an
/// item causes every time it is committed, and turns such an item into a refusal that can be dead-lettered.
/// </summary>
public static class UsageCommitFailures
{
    public const string Field = "item";

    /// <summary>Transient failures are never blamed on an item: the caller keeps the delivery and retries it whole.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } => true,
        TimeoutException or OperationCanceledException or System.IO.IOException or System.Net.Sockets.SocketException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    public static string Reason(Exception e) => $"the ledger could not store this item: {Describe(e)}";

    /// <summary>The valid item, refused with why its own commit failed; it keeps its text for the dead letter.</summary>
    public static UsageItem Refuse(UsageItem item, Exception failure) =>
        item with { Record = null, Errors = [new UsageFieldError(Field, Reason(failure))], RawText = RawText(item) };

    private static string Describe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is Npgsql.PostgresException pg) return $"PostgreSQL refused it ({pg.SqlState}: {pg.MessageText})";
        var root = e;
        while (root.InnerException is not null) root = root.InnerException;
        return $"{root.GetType().Name}: {root.Message}";
    }

    private static string RawText(UsageItem item) => item.Record is not { } r ? item.RawText : JsonSerializer.Serialize(new
    {
        eventId = r.EventId,
        occurredAt = InstantPattern.ExtendedIso.Format(r.OccurredAt),
        tenantId = r.TenantId,
        model = r.Model,
        inputTokens = r.InputTokens,
        cachedInputTokens = r.CachedInputTokens,
        cacheWriteTokens = r.CacheWriteTokens,
        outputTokens = r.OutputTokens,
        provider = r.Provider,
        planId = r.PlanId,
        distributorId = r.DistributorId,
        requestId = r.RequestId,
    });
}
