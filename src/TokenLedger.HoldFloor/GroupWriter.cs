using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace TokenLedger.HoldFloor;

/// <summary>
/// Group commit: each writer takes every placement waiting (up to 500) and decides them in one transaction: the tenants'
/// advisory locks in id order (so two writers never deadlock), one read of their funds, one insert of the granted
/// holds, one update of the tenants' held amounts, one commit. The commit's WAL flush and the round trips are shared.
/// </summary>
public sealed class GroupWriter(NpgsqlDataSource source)
{
    private readonly Channel<FloorHold> _queue = Channel.CreateUnbounded<FloorHold>();

    public async Task<bool> PlaceAsync(FloorHold hold, CancellationToken ct)
    {
        await _queue.Writer.WriteAsync(hold, ct);
        return await hold.Decided.Task;
    }

    public async Task RunAsync()
    {
        while (await _queue.Reader.WaitToReadAsync())
        {
            var holds = new List<FloorHold>();
            while (holds.Count < 500 && _queue.Reader.TryRead(out var hold)) holds.Add(hold);
            if (holds.Count == 0) continue;
            try
            {
                var granted = await DecideAsync(holds);
                foreach (var hold in holds) hold.Decided.TrySetResult(granted.Contains(hold));
            }
            catch (Exception e)
            {
                foreach (var hold in holds) hold.Decided.TrySetException(e);
            }
        }
    }

    private async Task<HashSet<FloorHold>> DecideAsync(List<FloorHold> holds)
    {
        var tenants = holds.Select(h => h.TenantId).Distinct().Order(StringComparer.Ordinal).ToArray();
        await using var connection = await source.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var held = new Dictionary<string, (decimal Held, decimal Funds)>(StringComparer.Ordinal);
        await using (var read = new NpgsqlBatch(connection, transaction))
        {
            read.BatchCommands.Add(new("select pg_advisory_xact_lock(hashtextextended(t, 0)) from unnest($1::text[]) t order by t") { Parameters = { new() { Value = tenants } } });
            read.BatchCommands.Add(new("select id, held, funds from floor_account where id = any($1)") { Parameters = { new() { Value = tenants } } });
            await using var reader = await read.ExecuteReaderAsync();
            await reader.NextResultAsync();
            while (await reader.ReadAsync()) held[reader.GetString(0)] = (reader.GetDecimal(1), reader.GetDecimal(2));
        }
        var granted = new HashSet<FloorHold>();
        foreach (var hold in holds)
        {
            if (!held.TryGetValue(hold.TenantId, out var account) || account.Held + hold.Amount > account.Funds) continue;
            held[hold.TenantId] = (account.Held + hold.Amount, account.Funds);
            granted.Add(hold);
        }
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            write.BatchCommands.Add(new("insert into floor_hold (tenant, request_id, hold_id, body) select * from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])")
            {
                Parameters =
                {
                    new() { Value = granted.Select(h => h.TenantId).ToArray() }, new() { Value = granted.Select(h => h.RequestId).ToArray() },
                    new() { Value = granted.Select(h => h.HoldId).ToArray() }, new() { Value = granted.Select(h => h.Json).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                },
            });
            write.BatchCommands.Add(new("update floor_account a set held = v.held from unnest($1::text[], $2::numeric[]) v(id, held) where a.id = v.id")
            {
                Parameters = { new() { Value = held.Keys.ToArray() }, new() { Value = held.Values.Select(v => v.Held).ToArray() } },
            });
            await write.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return granted;
    }
}
