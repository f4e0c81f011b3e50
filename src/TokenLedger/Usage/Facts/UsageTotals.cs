using Npgsql;
using TokenLedger.Distributors;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Usage.Facts;

/// <summary>
/// Per-model sums over usage_facts (with its rating columns) plus re-rating adjustments; every figure is a sum over
/// usage event rows and the adjustments that name them.
/// </summary>
public sealed record ModelTotalsRow(
    string Model, long Events, long InputTokens, long CachedInputTokens, long CacheWriteTokens, long OutputTokens,
    long RetailUnrated, decimal RetailAmount, string? RetailCurrency,
    long WholesaleUnrated, decimal WholesaleAmount, string? WholesaleCurrency, int WholesaleCurrencies);

public static class UsageTotals
{
    /// <summary>With a <paramref name="payer"/>, only usage that distributor (or "house") pays for upstream is summed.</summary>
    public static async Task<IReadOnlyList<ModelTotalsRow>> ByModelAsync(
        NpgsqlDataSource db, string tenantId, UsageInterval interval, string? payer, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "select f.model, count(*), coalesce(sum(f.input_tokens),0)::bigint, coalesce(sum(f.cached_input_tokens),0)::bigint, " +
            "coalesce(sum(f.cache_write_tokens),0)::bigint, coalesce(sum(f.output_tokens),0)::bigint, " +
            "count(*) filter (where f.retail_status is distinct from 'rated'), coalesce(sum(f.retail_amount),0) + coalesce(sum(a.retail_delta),0), " +
            "min(f.retail_currency), " +
            "count(*) filter (where f.wholesale_status is distinct from 'rated'), coalesce(sum(f.wholesale_amount),0) + coalesce(sum(a.wholesale_delta),0), " +
            "min(f.wholesale_currency), " +
            "count(distinct f.wholesale_currency)::int " +
            $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
            "left join (select event_id, sum(delta) filter (where side = 'retail') as retail_delta, " +
            "sum(delta) filter (where side = 'wholesale') as wholesale_delta " +
            $"from {LedgerSchema.Name}.{UsageAdjustmentsProjection.TableName} group by event_id) a on a.event_id = f.event_id " +
            "where f.tenant_id = $1 and f.occurred_at >= $2 and f.occurred_at < $3 " +
            $"and ($4::text is null or coalesce(f.distributor_id, '{Distributor.House}') = $4) group by f.model order by f.model");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(interval.From.ToInstant().ToDateTimeOffset());
        command.Parameters.AddWithValue(interval.To.ToInstant().ToDateTimeOffset());
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)payer ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });

        var rows = new List<ModelTotalsRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new ModelTotalsRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetDecimal(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetInt64(9), reader.GetDecimal(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetInt32(12)));
        return rows;
    }

    public static async Task<bool> PaysForAnyUsageOfAsync(NpgsqlDataSource db, string distributorId, string tenantId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select exists (select 1 from {LedgerSchema.Name}.{UsageFactsProjection.TableName} " +
            $"where tenant_id = $1 and coalesce(distributor_id, '{Distributor.House}') = $2)");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(distributorId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
