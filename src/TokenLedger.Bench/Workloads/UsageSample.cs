namespace TokenLedger.Bench.Workloads;

/// <summary>One valid usage event the bench publishes, as the ledger should record it.</summary>
public sealed record UsageSample(
    string EventId,
    string TenantId,
    string Model,
    string Provider,
    DateTimeOffset OccurredAt,
    long InputTokens,
    long CachedInputTokens,
    long CacheWriteTokens,
    long OutputTokens,
    string RequestId)
{
    public long TotalTokens => InputTokens + CachedInputTokens + CacheWriteTokens + OutputTokens;
}

/// <summary>A sample and the exact JSON text it was published as (duplicates re-send these very bytes).</summary>
public sealed record GeneratedEvent(UsageSample Sample, byte[] Json);
