using Npgsql;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Distributors;

namespace TokenLedger.Usage.Facts;

/// <summary>Sums of one group: events with both sides rated count in revenue, cost and margin; the others are counted apart.</summary>
public sealed record MarginRow(
    string Group, long Events, long Tokens, decimal Revenue, string? RevenueCurrency, decimal Cost, string? CostCurrency, long UnratedEvents, TokenCounts ClassTokens);

public static class MarginRows
{
    public static readonly string[] Groupings = ["model", "tenant", "day"];

    /// <summary>
    /// Usage in [from, to), grouped, at the distributor's place in each chain: usage it sells to tenants (its distributorId,
    /// or none for the house: revenue retail, cost wholesale) and usage it sells on to sub-distributors (usage_hop_charges).
    /// </summary>
    public static async Task<IReadOnlyList<MarginRow>> ReadAsync(
        NpgsqlDataSource db, string distributorId, Instant from, Instant to, string groupBy, DateTimeZone zone, CancellationToken ct)
    {
        var group = groupBy switch
        {
            "tenant" => "f.tenant_id",
            "day" => "to_char(f.occurred_at at time zone $4, 'YYYY-MM-DD')",
            _ => "f.model",
        };
        var bothRated = "f.retail_status = 'rated' and f.wholesale_status = 'rated'";
        await using var command = db.CreateCommand(
            $"select {group} as g, count(*) filter (where {bothRated}), " +
            $"coalesce(sum(f.input_tokens + f.cached_input_tokens + f.cache_write_tokens + f.output_tokens) filter (where {bothRated}), 0)::bigint, " +
            $"coalesce(sum(f.retail_amount + coalesce(a.retail_delta, 0)) filter (where {bothRated}), 0), min(f.retail_currency), " +
            $"coalesce(sum(f.wholesale_amount + coalesce(a.wholesale_delta, 0)) filter (where {bothRated}), 0), min(f.wholesale_currency), " +
            $"count(*) filter (where not ({bothRated})), " +
            $"coalesce(sum(f.input_tokens) filter (where {bothRated}), 0)::bigint, coalesce(sum(f.cached_input_tokens) filter (where {bothRated}), 0)::bigint, " +
            $"coalesce(sum(f.cache_write_tokens) filter (where {bothRated}), 0)::bigint, coalesce(sum(f.output_tokens) filter (where {bothRated}), 0)::bigint " +
            $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
            "left join (select event_id, sum(delta) filter (where side = 'retail') as retail_delta, " +
            "sum(delta) filter (where side = 'wholesale') as wholesale_delta " +
            $"from {LedgerSchema.Name}.{UsageAdjustmentsProjection.TableName} group by event_id) a on a.event_id = f.event_id " +
            $"where coalesce(f.distributor_id, '{Distributor.House}') = $1 and f.occurred_at >= $2 and f.occurred_at < $3 " +
            "group by g order by g");
        var rows = await ReadRowsAsync(command, distributorId, from, to, zone, ct);
        rows.AddRange(await HopRowsAsync(db, distributorId, from, to, group, zone, ct));
        return rows.GroupBy(r => r.Group, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Count() == 1 ? g.Single() : new MarginRow(
            g.Key, g.Sum(r => r.Events), g.Sum(r => r.Tokens), g.Sum(r => r.Revenue), g.Select(r => r.RevenueCurrency).FirstOrDefault(c => c is not null),
            g.Sum(r => r.Cost), g.Select(r => r.CostCurrency).FirstOrDefault(c => c is not null), g.Sum(r => r.UnratedEvents),
            new TokenCounts(g.Sum(r => r.ClassTokens.Input), g.Sum(r => r.ClassTokens.CachedInput), g.Sum(r => r.ClassTokens.CacheWrite), g.Sum(r => r.ClassTokens.Output))))
            .ToList();
    }

    /// <summary>Usage the distributor sold on to a sub-distributor: its cost and revenue at its hop of the chain.</summary>
    private static async Task<List<MarginRow>> HopRowsAsync(NpgsqlDataSource db, string distributorId, Instant from, Instant to, string group, DateTimeZone zone, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select {group} as g, count(*), sum(f.input_tokens + f.cached_input_tokens + f.cache_write_tokens + f.output_tokens)::bigint, " +
            "sum(h.revenue), min(h.currency), sum(h.cost), min(h.currency), 0::bigint, sum(f.input_tokens)::bigint, sum(f.cached_input_tokens)::bigint, " +
            "sum(f.cache_write_tokens)::bigint, sum(f.output_tokens)::bigint " +
            $"from {LedgerSchema.Name}.{UsageHopCharges.TableName} h join {LedgerSchema.Name}.{UsageFactsProjection.TableName} f on f.event_id = h.event_id " +
            "where h.party = $1 and f.occurred_at >= $2 and f.occurred_at < $3 group by g");
        return await ReadRowsAsync(command, distributorId, from, to, zone, ct);
    }

    /// <summary>Runs a query whose parameters are $1 the distributor, $2 and $3 the interval, $4 the zone.</summary>
    private static async Task<List<MarginRow>> ReadRowsAsync(NpgsqlCommand command, string distributorId, Instant from, Instant to, DateTimeZone zone, CancellationToken ct)
    {
        command.Parameters.AddWithValue(distributorId);
        command.Parameters.AddWithValue(from.ToDateTimeOffset());
        command.Parameters.AddWithValue(to.ToDateTimeOffset());
        command.Parameters.AddWithValue(zone.Id);
        var rows = new List<MarginRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new MarginRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetDecimal(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt64(7),
                new TokenCounts(reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11))));
        return rows;
    }
}
