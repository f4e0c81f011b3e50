using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Usage.GettingUsage;

public static class TenantUsageSummaries
{
    /// <summary>Every tenant id seen in usage, ordered by id, as the asynchronous projection has summarised it so far.</summary>
    public static async Task<IReadOnlyList<TenantUsageSummary>> ReadAllAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "select tenant_id, events, total_tokens, first_occurred_at, last_occurred_at, last_recorded_at " +
            $"from {LedgerSchema.Name}.{TenantUsageSummaryProjection.TableName} order by tenant_id collate \"C\"");
        var summaries = new List<TenantUsageSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            summaries.Add(new TenantUsageSummary(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                reader.GetInstant(3), reader.GetInstant(4), reader.GetInstant(5)));
        return summaries;
    }
}
