using JasperFx.Events;
using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// Finds, for the rating events of a page, the usage whose retail side each of them rated (each retail charge belongs to
/// exactly one). A batch rated on arrival (<see cref="RatedOnArrival"/>) whose two events are both on the page is taken
/// from them; any other rating (late rating, or a pair split by the page boundary) is looked up in <c>usage_facts</c>.
/// </summary>
public sealed class RatedUsageSource(NpgsqlDataSource db)
{
    private static readonly string Sql =
        $"select f.{UsageCharges.RetailRatedBy}, f.event_id, f.tenant_id, f.model, f.occurred_at, f.input_tokens, f.cached_input_tokens, " +
        "f.cache_write_tokens, f.output_tokens, f.plan_id, f.retail_price_book, f.retail_version, f.retail_currency, f.retail_model, f.retail_tier, " +
        "f.retail_discount, f.retail_input, f.retail_cached_input, f.retail_cache_write, f.retail_output, f.wholesale_amount, f.request_id " +
        $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
        $"where f.event_id = any(@ids) and f.{UsageCharges.RetailRatedBy} = any(@ratedBy)";

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
        await using var command = db.CreateCommand(Sql);
        command.Parameters.AddWithValue("ids", eventIds);
        command.Parameters.AddWithValue("ratedBy", ratings.Select(e => e.Id).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var tokens = new TokenCounts(reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8));
            var charge = new Charge(reader.GetString(10), reader.GetInt32(11), reader.GetString(12), reader.GetString(13), reader.GetInt32(14),
                reader.GetDecimal(15), reader.GetDecimal(16), reader.GetDecimal(17), reader.GetDecimal(18), reader.GetDecimal(19));
            var usage = new ChargedUsage(reader.GetString(1), reader.GetInstant(4), reader.GetString(3),
                reader.IsDBNull(9) ? null : reader.GetString(9), tokens, charge, reader.IsDBNull(20) ? null : reader.GetDecimal(20),
                reader.IsDBNull(21) ? null : reader.GetString(21));
            found[usage.EventId] = (reader.GetGuid(0), reader.GetString(2), usage);
        }
        return found;
    }
}
