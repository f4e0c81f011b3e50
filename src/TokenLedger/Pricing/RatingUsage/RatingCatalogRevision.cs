using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Pricing.RatingUsage;

/// <summary>
/// A counter bumped in the same transaction as any change to what rating depends on (price books, tenants'
/// retail books, distributors' wholesale books). Every group commit reads it, so an instance never rates with a
/// catalog older than the last committed change, even when another instance made it.
/// </summary>
public static class RatingCatalogRevision
{
    public const string TableName = "rating_catalog_revision";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<int>("id").AsPrimaryKey();
        table.AddColumn<long>("revision").NotNull();
        return table;
    }

    public static void Bump(IDocumentSession session) => session.QueueSqlCommand(
        $"insert into {session.DocumentStore.Options.DatabaseSchemaName}.{TableName} (id, revision) values (1, 1) " +
        $"on conflict (id) do update set revision = {TableName}.revision + 1");

    /// <summary>The current revision (0 before the first change), for a caller that reads it in a batch of its own.</summary>
    public static string ReadSql(string schema) => $"select coalesce((select revision from {schema}.{TableName} where id = 1), 0)";

    public static async Task<long> ReadAsync(IDocumentSession session, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(ReadSql(session.DocumentStore.Options.DatabaseSchemaName), session.Connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
