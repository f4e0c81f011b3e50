using Npgsql;
using NodaTime;
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
                At(reader, 3), At(reader, 4), At(reader, 5)));
        return summaries;
    }

    private static Instant At(NpgsqlDataReader reader, int column) => Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(column));
}
