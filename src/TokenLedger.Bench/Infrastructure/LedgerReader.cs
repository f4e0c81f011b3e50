using Npgsql;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Infrastructure;

/// <summary>
/// Reads what the ledger holds for a set of tenant ids: the inline projection table <c>usage_facts</c> and the
/// async projection <c>tenant_usage_summaries</c>. Every query is by tenant id (indexed).
/// </summary>
public sealed class LedgerReader(NpgsqlDataSource db)
{
    private const string Facts = "tokenledger.usage_facts";
    private const string Summaries = "tokenledger.tenant_usage_summaries";

    public async Task<long> NewestEventAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("select coalesce(max(seq_id), 0) from tokenledger.mt_events");
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    /// <summary>The sequence number the slowest async projection or subscription has read up to.</summary>
    public async Task<long> SlowestSubscriptionAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "select coalesce(min(last_seq_id), 0) from tokenledger.mt_event_progression where name not like 'HighWater%'");
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    public async Task<long> CountFactsAsync(string[] tenants, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"select count(*) from {Facts} where tenant_id = any($1)");
        command.Parameters.AddWithValue(tenants);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<Dictionary<(string Tenant, string Model), TokenSums>> FactsByTenantModelAsync(string[] tenants, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "select tenant_id, model, count(*), sum(input_tokens)::bigint, sum(cached_input_tokens)::bigint, " +
            $"sum(cache_write_tokens)::bigint, sum(output_tokens)::bigint from {Facts} where tenant_id = any($1) group by tenant_id, model");
        command.Parameters.AddWithValue(tenants);
        var result = new Dictionary<(string, string), TokenSums>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            result[(reader.GetString(0), reader.GetString(1))] =
                new TokenSums(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
        return result;
    }

    public async Task<long> SummaryEventsAsync(string[] tenants, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select coalesce(sum(events), 0)::bigint from {Summaries} where tenant_id = any($1)");
        command.Parameters.AddWithValue(tenants);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<Dictionary<string, (long Events, long TotalTokens)>> SummariesAsync(string[] tenants, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select tenant_id, events, total_tokens from {Summaries} where tenant_id = any($1)");
        command.Parameters.AddWithValue(tenants);
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return result;
    }
}
