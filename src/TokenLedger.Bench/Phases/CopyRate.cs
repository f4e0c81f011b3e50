using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Phases;

public sealed record CopyResult(long Rows, TimeSpan Elapsed)
{
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;
}

/// <summary>
/// PostgreSQL's own ceiling for the rows the ledger writes: binary COPY of the same rows (one per unique valid event)
/// into a bare temporary table with the usage columns of <c>usage_facts</c> (not its rating columns): no key, no index, no WAL (temp tables are not
/// logged), so it is an upper bound, not a like-for-like comparison.
/// </summary>
public static class CopyRate
{
    private const string Table = "bench_usage_facts_copy";
    private const int RowsPerBatchId = 1000;

    public static async Task<CopyResult> RunAsync(NpgsqlDataSource db, IReadOnlyList<UsageSample> rows, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var create = new NpgsqlCommand(
            $"create temp table {Table} (event_id text not null, tenant_id text not null, model text not null, " +
            "occurred_at timestamptz not null, input_tokens bigint not null, cached_input_tokens bigint not null, " +
            "cache_write_tokens bigint not null, output_tokens bigint not null, provider text, plan_id text, distributor_id text, " +
            "request_id text, batch_id text not null, ledger_event_id uuid not null)", connection))
            await create.ExecuteNonQueryAsync(ct);

        var started = Stopwatch.GetTimestamp();
        await using (var import = await connection.BeginBinaryImportAsync(
            $"copy {Table} (event_id, tenant_id, model, occurred_at, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, " +
            "provider, plan_id, distributor_id, request_id, batch_id, ledger_event_id) from stdin (format binary)", ct))
        {
            var batchId = "";
            var ledgerEventId = Guid.Empty;
            for (var i = 0; i < rows.Count; i++)
            {
                if (i % RowsPerBatchId == 0)
                {
                    ledgerEventId = Guid.CreateVersion7();
                    batchId = ledgerEventId.ToString("N");
                }
                var r = rows[i];
                import.StartRow();
                import.Write(r.EventId, NpgsqlDbType.Text);
                import.Write(r.TenantId, NpgsqlDbType.Text);
                import.Write(r.Model, NpgsqlDbType.Text);
                import.Write(r.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                import.Write(r.InputTokens, NpgsqlDbType.Bigint);
                import.Write(r.CachedInputTokens, NpgsqlDbType.Bigint);
                import.Write(r.CacheWriteTokens, NpgsqlDbType.Bigint);
                import.Write(r.OutputTokens, NpgsqlDbType.Bigint);
                import.Write(r.Provider, NpgsqlDbType.Text);
                import.WriteNull();
                import.WriteNull();
                import.Write(r.RequestId, NpgsqlDbType.Text);
                import.Write(batchId, NpgsqlDbType.Text);
                import.Write(ledgerEventId, NpgsqlDbType.Uuid);
            }
            await import.CompleteAsync(ct);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);

        await using (var drop = new NpgsqlCommand($"drop table {Table}", connection))
            await drop.ExecuteNonQueryAsync(ct);
        return new CopyResult(rows.Count, elapsed);
    }
}
