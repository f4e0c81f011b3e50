using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>
/// The ledger-wide idempotency guard: one row per usage eventId ever recorded. Ids are reserved inside the
/// transaction that appends the usage, so a redelivery, a retry or a second instance sees the id as taken
/// only once that transaction commits, and a rolled-back batch leaves no reservation behind.
/// </summary>
public static class UsageEventIds
{
    public const string TableName = "usage_event_ids";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("event_id").AsPrimaryKey();
        table.AddColumn("reserved_at", "timestamptz").DefaultValueByExpression("now()").NotNull();
        return table;
    }

    public static async Task<IReadOnlySet<string>> ReserveAsync(IDocumentSession session, IReadOnlyList<string> eventIds, CancellationToken ct)
    {
        if (eventIds.Count == 0) return new HashSet<string>();
        await session.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"insert into {session.DocumentStore.Options.DatabaseSchemaName}.{TableName} (event_id) " +
            "select unnest(@ids) on conflict do nothing returning event_id",
            session.Connection);
        command.Parameters.AddWithValue("ids", eventIds.ToArray());
        var reserved = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) reserved.Add(reader.GetString(0));
        return reserved;
    }
}
