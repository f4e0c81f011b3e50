using NodaTime;

namespace TokenLedger.Usage.GettingUsage;

/// <summary>Lifetime usage per tenant id as seen on the wire, whether or not the tenant is registered.</summary>
public sealed record TenantUsageSummary(
    string Id, long Events, long TotalTokens, Instant FirstOccurredAt, Instant LastOccurredAt, Instant LastRecordedAt)
{
    /// <summary>
    /// What one batch adds to each tenant's summary: its own records' count and tokens, their earliest and latest
    /// occurrence, and the batch's recording instant. Tenant ids are matched exactly; the result is ordered by id.
    /// </summary>
    public static IReadOnlyList<TenantUsageSummary> Of(UsageBatchRecorded batch) =>
        batch.Records.GroupBy(r => r.TenantId, StringComparer.Ordinal)
            .Select(g => new TenantUsageSummary(g.Key, g.Count(), g.Sum(r => r.TotalTokens),
                g.Min(r => r.OccurredAt), g.Max(r => r.OccurredAt), batch.RecordedAt))
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .ToList();
}
