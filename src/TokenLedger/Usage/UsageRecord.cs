using NodaTime;

namespace TokenLedger.Usage;

/// <summary>One validated usage event as the ledger stores it, carried inside <see cref="UsageBatchRecorded"/>.</summary>
public sealed record UsageRecord(
    string EventId,
    string TenantId,
    string Model,
    Instant OccurredAt,
    long InputTokens,
    long CachedInputTokens,
    long CacheWriteTokens,
    long OutputTokens,
    string? Provider = null,
    string? PlanId = null,
    string? DistributorId = null,
    string? RequestId = null)
{
    public long TotalTokens => InputTokens + CachedInputTokens + CacheWriteTokens + OutputTokens;
}
