using Npgsql;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.ReRatingUsage;

namespace TokenLedger.Usage.Facts;

/// <summary>What re-rating reads of <c>usage_facts</c>: a tenant's usage with each side's charge in effect (rated amount plus adjustments).</summary>
public static class UsageFactsForReRating
{
    /// <summary>The next <paramref name="limit"/> usage events of the tenant in [from, to) after <paramref name="after"/>, in event id order.</summary>
    public static async Task<List<RatedFact>> InEffectPageAsync(
        NpgsqlConnection connection, string tenantId, Instant from, Instant to, string after, int limit, CancellationToken ct)
    {
        var schema = LedgerSchema.Name;
        await using var command = new NpgsqlCommand(
            $"select {UsageFactRows.Columns}, " +
            $"case when f.retail_status = 'rated' then f.retail_amount + coalesce((select sum(a.delta) from {schema}.{UsageAdjustmentsProjection.TableName} a " +
            "where a.event_id = f.event_id and a.side = 'retail'), 0) end, " +
            $"case when f.wholesale_status = 'rated' then f.wholesale_amount + coalesce((select sum(a.delta) from {schema}.{UsageAdjustmentsProjection.TableName} a " +
            "where a.event_id = f.event_id and a.side = 'wholesale'), 0) end " +
            $"from {schema}.{UsageFactsProjection.TableName} f " +
            "where f.tenant_id = @tenant and f.occurred_at >= @from and f.occurred_at < @to and f.event_id > @after order by f.event_id limit @limit",
            connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("from", from.ToDateTimeOffset());
        command.Parameters.AddWithValue("to", to.ToDateTimeOffset());
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", limit);
        var page = new List<RatedFact>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            page.Add(new RatedFact(UsageFactRows.Read(reader),
                reader.IsDBNull(UsageFactRows.ColumnCount) ? null : reader.GetDecimal(UsageFactRows.ColumnCount),
                reader.IsDBNull(UsageFactRows.ColumnCount + 1) ? null : reader.GetDecimal(UsageFactRows.ColumnCount + 1)));
        return page;
    }
}
