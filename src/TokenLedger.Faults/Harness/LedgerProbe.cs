using Npgsql;
using TokenLedger.Faults.Workload;

namespace TokenLedger.Faults.Harness;

/// <summary>
/// Reads what the ledger holds, straight from PostgreSQL: the inline projection <c>usage_facts</c>, the usage records
/// inside the stored <c>UsageBatchRecorded</c> events, and the async projection <c>tenant_usage_summaries</c>.
/// Every query retries while the database is away (a scenario may be restarting it).
/// </summary>
public sealed class LedgerProbe(HarnessContext context) : IAsyncDisposable
{
    private const string Schema = "tokenledger";
    private const string BatchRecordedType = "usage_batch_recorded";
    private readonly NpgsqlDataSource _db = new NpgsqlDataSourceBuilder(context.Postgres + ";Timeout=5;Command Timeout=120").Build();

    /// <summary>True if a new connection to PostgreSQL can run <c>select 1</c> right now (no retry).</summary>
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(context.Postgres + ";Pooling=false;Timeout=2");
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            return false;
        }
    }

    public async Task<long> CountFactsAsync(string[] tenants, CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            await using var command = _db.CreateCommand($"select count(*) from {Schema}.usage_facts where tenant_id = any($1)");
            command.Parameters.AddWithValue(tenants);
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }, ct);

    public async Task<long> CountFactsByIdAsync(IReadOnlyCollection<string> eventIds, CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            await using var command = _db.CreateCommand($"select count(*) from {Schema}.usage_facts where event_id = any($1)");
            command.Parameters.AddWithValue(eventIds.ToArray());
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }, ct);

    public async Task<Dictionary<(string Tenant, string Model), TokenSums>> FactSumsAsync(string[]? tenants, CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            var filter = tenants is null ? "" : "where tenant_id = any($1)";
            await using var command = _db.CreateCommand(
                "select tenant_id, model, count(*), sum(input_tokens)::bigint, sum(cached_input_tokens)::bigint, sum(cache_write_tokens)::bigint, " +
                $"sum(output_tokens)::bigint from {Schema}.usage_facts {filter} group by tenant_id, model");
            if (tenants is not null) command.Parameters.AddWithValue(tenants);
            var sums = new Dictionary<(string, string), TokenSums>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                sums[(reader.GetString(0), reader.GetString(1))] =
                    new TokenSums(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            return sums;
        }, ct);

    public async Task<HashSet<string>> FactIdsAsync(string[] tenants, CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            await using var command = _db.CreateCommand($"select event_id from {Schema}.usage_facts where tenant_id = any($1)");
            command.Parameters.AddWithValue(tenants);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
            return ids;
        }, ct);

    /// <summary>
    /// Usage records of these tenants inside the stored ledger events: how many there are, and how many of them repeat
    /// an eventId already carried by another record (a double count in the event store itself).
    /// </summary>
    public async Task<(long Records, long Repeats)> StoredRecordsAsync(string[] tenants, CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            await using var command = _db.CreateCommand(
                "select count(*), count(*) - count(distinct r->>'eventId') " +
                $"from {Schema}.mt_events e cross join lateral jsonb_array_elements(e.data->'records') r " +
                "where e.type = $1 and r->>'tenantId' = any($2)");
            command.Parameters.AddWithValue(BatchRecordedType);
            command.Parameters.AddWithValue(tenants);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }, ct);

    /// <summary>All usage records in the event store (what a rebuild replays).</summary>
    public async Task<(long Events, long Records)> StoreSizeAsync(CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            await using var command = _db.CreateCommand(
                $"select count(*), coalesce(sum(jsonb_array_length(data->'records')), 0)::bigint from {Schema}.mt_events where type = $1");
            command.Parameters.AddWithValue(BatchRecordedType);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }, ct);

    /// <summary>Rows of the async projection <c>tenant_usage_summaries</c> as (events, totalTokens), for some tenants.</summary>
    public async Task<Dictionary<string, (long Events, long TotalTokens)>> SummariesAsync(string[] tenants, CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            await using var command = _db.CreateCommand(
                $"select tenant_id, events, total_tokens from {Schema}.tenant_usage_summaries where tenant_id = any($1)");
            command.Parameters.AddWithValue(tenants);
            var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
            return result;
        }, ct);

    /// <summary>Every row of <c>tenant_usage_summaries</c>, as PostgreSQL's text of the whole row.</summary>
    public async Task<SortedDictionary<string, string>> SummaryDocumentsAsync(CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            await using var command = _db.CreateCommand($"select tenant_id, s::text from {Schema}.tenant_usage_summaries s");
            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.GetString(1);
            return result;
        }, ct);

    /// <summary>
    /// Messages Wolverine itself gave up on and stored in its dead-letter table, by message and exception type
    /// (usage that ends there never reaches the ledger). Empty before the service created the table.
    /// </summary>
    public async Task<Dictionary<string, long>> WolverineDeadLettersAsync(CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            var result = new Dictionary<string, long>(StringComparer.Ordinal);
            try
            {
                await using var command = _db.CreateCommand(
                    $"select message_type || ' after ' || coalesce(exception_type, '?'), count(*) from {Schema}.wolverine_dead_letters group by 1");
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.GetInt64(1);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
            }
            return result;
        }, ct);

    /// <summary>One tenant's usage rows with the retail side rated and not, and the sum of the rated retail amounts.</summary>
    public async Task<(long Rated, long Unrated, decimal RetailAmount)> RetailRatingAsync(string tenant, CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            await using var command = _db.CreateCommand(
                "select count(*) filter (where retail_status = 'rated'), count(*) filter (where retail_status is distinct from 'rated'), " +
                $"coalesce(sum(retail_amount), 0) from {Schema}.usage_facts where tenant_id = $1");
            command.Parameters.AddWithValue(tenant);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2));
        }, ct);

    /// <summary>
    /// Wolverine's durable inbox rows of one message type (matched by <paramref name="typeFragment"/>, case-insensitive),
    /// as "status owner N: count" texts; empty before the service created the table.
    /// </summary>
    public async Task<List<string>> InboxAsync(string typeFragment, CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            var rows = new List<string>();
            try
            {
                await using var command = _db.CreateCommand(
                    $"select status, owner_id, count(*) from {Schema}.wolverine_incoming_envelopes where message_type ilike $1 group by 1, 2 order by 1, 2");
                command.Parameters.AddWithValue($"%{typeFragment}%");
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) rows.Add($"{reader.GetValue(0)} owner {reader.GetValue(1)}: {reader.GetInt64(2)}");
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
            }
            return rows;
        }, ct);

    private async Task<T> RetryAsync<T>(Func<Task<T>> query, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await query();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && attempt < 120 && !ct.IsCancellationRequested)
            {
                if (attempt == 1) context.Log($"  (ledger query failed, retrying: {e.Message.Split('\n')[0]})");
                await Task.Delay(1000, ct);
            }
        }
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
