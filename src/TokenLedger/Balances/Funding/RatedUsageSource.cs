using JasperFx.Events;
using Npgsql;
using TokenLedger.Pricing;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// Finds, for the rating events of a page, the usage whose retail side each of them rated (each retail charge belongs to
/// exactly one). A batch rated on arrival (<see cref="RatedOnArrival"/>) whose two events are both on the page is taken
/// from them; any other rating (late rating, or a pair split by the page boundary) is looked up in the usage facts (<see cref="UsageFactsForFunding"/>).
/// </summary>
public sealed class RatedUsageSource(NpgsqlDataSource db)
{
    /// <summary>For each rating event of <paramref name="page"/>, the tenant and usage of every retail charge it set, in the order it rated them.</summary>
    public async Task<Dictionary<Guid, List<(string TenantId, ChargedUsage Usage)>>> ReadAsync(IReadOnlyList<IEvent> page, CancellationToken ct)
    {
        var found = new Dictionary<Guid, List<(string, ChargedUsage)>>();
        var elsewhere = new List<IEvent<UsageBatchRated>>();
        for (var i = 0; i < page.Count; i++)
        {
            if (page[i] is not IEvent<UsageBatchRated> rated) continue;
            if (RatedOnArrival.BatchOf(page, i) is { } batch) found[rated.Id] = FromPair(batch.Data, rated.Data);
            else elsewhere.Add(rated);
        }
        var stored = await ReadStoredAsync(elsewhere, ct);
        foreach (var rated in elsewhere)
            found[rated.Id] = rated.Data.Ratings
                .Where(r => stored.TryGetValue(r.EventId, out var s) && s.RatedBy == rated.Id)
                .Select(r => (stored[r.EventId].TenantId, stored[r.EventId].Usage)).ToList();
        return found;
    }

    /// <summary>The retail-rated usage of a batch rated on arrival, from its two events (their records and ratings are aligned).</summary>
    private static List<(string, ChargedUsage)> FromPair(UsageBatchRecorded batch, UsageBatchRated rated) =>
        batch.Records.Zip(rated.Ratings)
            .Where(p => p.Second.Retail.IsRated)
            .Select(p => (p.First.TenantId, new ChargedUsage(p.First.EventId, p.First.OccurredAt, p.First.Model, p.First.PlanId,
                new TokenCounts(p.First.InputTokens, p.First.CachedInputTokens, p.First.CacheWriteTokens, p.First.OutputTokens),
                p.Second.Retail.Charge!, p.Second.Wholesale.Charge?.Amount, p.First.RequestId)))
            .ToList();

    private async Task<Dictionary<string, (Guid RatedBy, string TenantId, ChargedUsage Usage)>> ReadStoredAsync(
        IReadOnlyList<IEvent<UsageBatchRated>> ratings, CancellationToken ct)
    {
        var found = new Dictionary<string, (Guid, string, ChargedUsage)>(StringComparer.Ordinal);
        var eventIds = ratings.SelectMany(e => e.Data.Ratings.Where(r => r.Retail.IsRated).Select(r => r.EventId)).ToArray();
        if (eventIds.Length == 0) return found;
        foreach (var fact in await UsageFactsForFunding.RetailRatedAsync(db, eventIds, ratings.Select(e => e.Id).ToArray(), ct))
            found[fact.Usage.EventId] = (fact.RatedBy, fact.TenantId, fact.Usage);
        return found;
    }
}
