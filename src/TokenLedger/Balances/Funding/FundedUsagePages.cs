using System.Data.Common;
using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// A Funding page appends every tenant's <see cref="UsageFunded"/> to one stream of its own
/// (<see cref="AccountStreams.FundedUsage"/>): one append for the page instead of one per tenant. <c>funded_usage_pages</c>
/// says, in the same transaction, which events of which page stream are a tenant's, so that an invoice reads only its
/// tenant's funding decisions.
/// </summary>
public static class FundedUsagePages
{
    public const string TableName = "funded_usage_pages";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("tenant_id").AsPrimaryKey();
        table.AddColumn<string>("stream_id").AsPrimaryKey();
        table.AddColumn<long>("version").AsPrimaryKey();
        return table;
    }

    /// <summary>Starts the page's stream with the events in the order given (versions 1…n) and indexes them by tenant.</summary>
    public static void Append(IDocumentOperations operations, string schema, long pageCeiling, IReadOnlyList<UsageFunded> funded)
    {
        if (funded.Count == 0) return;
        var stream = AccountStreams.FundedUsage(pageCeiling);
        // A new stream (versions 1…n) or a loud failure: the expected version guards the index against any reuse of the key.
        operations.Events.Append(stream, funded.Count, funded.Cast<object>().ToArray());
        operations.QueueSqlCommand(
            $"insert into {schema}.{TableName} (tenant_id, stream_id, version) select u.tenant_id, ?, u.version from unnest(?::text[], ?::bigint[]) as u(tenant_id, version)",
            stream, funded.Select(f => f.TenantId).ToArray(), Enumerable.Range(1, funded.Count).Select(v => (long)v).ToArray());
    }

    /// <summary>The tenant's UsageFunded events of every page, with their sequence numbers.</summary>
    public static async Task<IReadOnlyList<(long Sequence, object Data)>> ForTenantAsync(
        NpgsqlConnection connection, string schema, ISerializer serializer, string tenantId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select e.seq_id, e.data from {schema}.{TableName} p join {schema}.mt_events e on e.stream_id = p.stream_id and e.version = p.version " +
            "where p.tenant_id = $1 order by e.seq_id", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        var events = new List<(long, object)>();
        await using DbDataReader reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) events.Add((reader.GetInt64(0), serializer.FromJson<UsageFunded>(reader, 1)));
        return events;
    }
}
