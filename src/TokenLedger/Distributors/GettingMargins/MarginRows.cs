using Npgsql;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Pricing.ReRatingUsage;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Distributors.GettingMargins;

/// <summary>Sums of one group: events with both sides rated count in revenue, cost and margin; the others are counted apart.</summary>
public sealed record MarginRow(
    string Group, long Events, long Tokens, decimal Revenue, string? RevenueCurrency, decimal Cost, string? CostCurrency, long UnratedEvents, TokenCounts ClassTokens);

public static class MarginRows
{
    public static readonly string[] Groupings = ["model", "tenant", "day"];

    /// <summary>Usage the distributor pays for upstream (its distributorId, or none for the house) in [from, to), grouped.</summary>
    public static async Task<IReadOnlyList<MarginRow>> ReadAsync(
        NpgsqlDataSource db, string distributorId, Instant from, Instant to, string groupBy, DateTimeZone zone, CancellationToken ct)
    {
        var group = groupBy switch
        {
            "tenant" => "f.tenant_id",
            "day" => "to_char(f.occurred_at at time zone $4, 'YYYY-MM-DD')",
            _ => "f.model",
        };
        var bothRated = "c.retail_status = 'rated' and c.wholesale_status = 'rated'";
        await using var command = db.CreateCommand(
            $"select {group} as g, count(*) filter (where {bothRated}), " +
            $"coalesce(sum(f.input_tokens + f.cached_input_tokens + f.cache_write_tokens + f.output_tokens) filter (where {bothRated}), 0)::bigint, " +
            $"coalesce(sum(c.retail_amount + coalesce(a.retail_delta, 0)) filter (where {bothRated}), 0), min(c.retail_currency), " +
            $"coalesce(sum(c.wholesale_amount + coalesce(a.wholesale_delta, 0)) filter (where {bothRated}), 0), min(c.wholesale_currency), " +
            $"count(*) filter (where not ({bothRated})), " +
            $"coalesce(sum(f.input_tokens) filter (where {bothRated}), 0)::bigint, coalesce(sum(f.cached_input_tokens) filter (where {bothRated}), 0)::bigint, " +
            $"coalesce(sum(f.cache_write_tokens) filter (where {bothRated}), 0)::bigint, coalesce(sum(f.output_tokens) filter (where {bothRated}), 0)::bigint " +
            $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
            $"join {LedgerSchema.Name}.{UsageChargesProjection.TableName} c on c.event_id = f.event_id " +
            "left join (select event_id, sum(delta) filter (where side = 'retail') as retail_delta, " +
            "sum(delta) filter (where side = 'wholesale') as wholesale_delta " +
            $"from {LedgerSchema.Name}.{UsageAdjustmentsProjection.TableName} group by event_id) a on a.event_id = f.event_id " +
            $"where coalesce(f.distributor_id, '{Distributor.House}') = $1 and f.occurred_at >= $2 and f.occurred_at < $3 " +
            "group by g order by g");
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
