using JasperFx.Events;
using Marten.Events.Projections;
using NodaTime;

namespace TokenLedger.Usage.GettingUsage;

/// <summary>Lifetime usage per tenant id as seen on the wire, whether or not the tenant is registered.</summary>
public sealed record TenantUsageSummary(
    string Id, long Events, long TotalTokens, Instant FirstOccurredAt, Instant LastOccurredAt, Instant LastRecordedAt);

/// <summary>
/// Asynchronous (run by the Wolverine-managed projection agents): one document per tenant id found in usage.
/// Operators use it to see usage for tenants that are not registered yet.
/// </summary>
public partial class TenantUsageSummaryProjection : MultiStreamProjection<TenantUsageSummary, string>
{
    public TenantUsageSummaryProjection()
    {
        Identities<UsageBatchRecorded>(e => e.Records.Select(r => r.TenantId).Distinct(StringComparer.Ordinal).ToList());
    }

    public override TenantUsageSummary? Evolve(TenantUsageSummary? snapshot, string id, IEvent e)
    {
        if (e.Data is not UsageBatchRecorded batch) return snapshot;
        var mine = batch.Records.Where(r => r.TenantId == id).ToList();
        if (mine.Count == 0) return snapshot;

        var first = mine.Min(r => r.OccurredAt);
        var last = mine.Max(r => r.OccurredAt);
        var tokens = mine.Sum(r => r.TotalTokens);
        return snapshot is null
            ? new TenantUsageSummary(id, mine.Count, tokens, first, last, batch.RecordedAt)
            : snapshot with
            {
                Events = snapshot.Events + mine.Count,
                TotalTokens = snapshot.TotalTokens + tokens,
                FirstOccurredAt = Instant.Min(snapshot.FirstOccurredAt, first),
                LastOccurredAt = Instant.Max(snapshot.LastOccurredAt, last),
                LastRecordedAt = Instant.Max(snapshot.LastRecordedAt, batch.RecordedAt),
            };
    }
}
