using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Usage.Facts;

/// <summary>Sums, per rating event, payer and provider, the wholesale cost each rating event set (each wholesale cost belongs to exactly one).</summary>
public sealed class WholesaleUsageSource(NpgsqlDataSource db)
{
    private static readonly string Sql =
        $"select f.{UsageCharges.WholesaleRatedBy}, f.payer, coalesce(f.provider, ''), count(*), sum(f.wholesale_amount) " +
        $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
        $"where f.event_id = any(@ids) and f.{UsageCharges.WholesaleRatedBy} = any(@ratedBy) " +
        "group by 1, 2, 3 order by 1, 2, 3";

    public async Task<List<(Guid RatedBy, string Payer, string Provider, long Events, decimal Amount)>> ReadAsync(
        IReadOnlyCollection<string> eventIds, IReadOnlyCollection<Guid> ratedBy, CancellationToken ct)
    {
        var found = new List<(Guid, string, string, long, decimal)>();
        if (eventIds.Count == 0) return found;
        await using var command = db.CreateCommand(Sql);
        command.Parameters.AddWithValue("ids", eventIds.ToArray());
        command.Parameters.AddWithValue("ratedBy", ratedBy.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetDecimal(4)));
        return found;
    }
}
