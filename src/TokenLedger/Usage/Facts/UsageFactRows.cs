using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Usage.Facts;

/// <summary>Reads usage_facts rows back into <see cref="UsageRecord"/>s (for late rating and re-rating), and whether a tenant has any.</summary>
public static class UsageFactRows
{
    /// <summary>The columns <see cref="Read"/> expects first, in this order, from a usage_facts alias <c>f</c>.</summary>
    public const string Columns =
        "f.event_id, f.tenant_id, f.model, f.occurred_at, f.input_tokens, f.cached_input_tokens, f.cache_write_tokens, f.output_tokens, " +
        "f.provider, f.plan_id, f.distributor_id, f.request_id";

    public const int ColumnCount = 12;

    public static UsageRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInstant(3),
        reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7),
        Text(reader, 8), Text(reader, 9), Text(reader, 10), Text(reader, 11));

    /// <summary>Whether any usage of the tenant has been recorded.</summary>
    public static async Task<bool> TenantHasUsageAsync(NpgsqlDataSource db, string tenantId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select exists (select 1 from {LedgerSchema.Name}.{UsageFactsProjection.TableName} where tenant_id = @t)");
        command.Parameters.AddWithValue("t", tenantId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
