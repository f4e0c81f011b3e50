using Npgsql;
using NodaTime;
using TokenLedger.Pricing.RatingUsage;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Usage.Facts;

/// <summary>
/// Which invoice billed each usage event (<c>invoiced_usage</c>, one row per event). A close takes, in its own transaction,
/// every rated usage event of the tenant that occurred before the period's end and is on no invoice yet: the period's own
/// usage, and usage of earlier, already closed periods that arrived (or was rated) after their close. So late usage is
/// billed once, on the next invoice, and an issued invoice never changes.
/// </summary>
public static class InvoicedUsage
{
    public const string TableName = "invoiced_usage";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("event_id").AsPrimaryKey();
        table.AddColumn<string>("invoice_id").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_invoiced_usage_invoice") { Columns = ["invoice_id"] });
        return table;
    }

    /// <summary>Closes of one tenant take turns (a transaction-level advisory lock), so two never mark the same usage at once.</summary>
    public static async Task LockTenantAsync(NpgsqlConnection connection, string tenantId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('tokenledger-invoice:' || @tenant, 0))", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Whether <see cref="MarkAsync"/> would mark anything: the tenant has rated usage before <paramref name="end"/> on no
    /// invoice yet. One indexed probe that stops at the first such event, without writing.
    /// </summary>
    public static async Task<bool> AnyToMarkAsync(NpgsqlConnection connection, string schema, string tenantId, Instant end, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select exists (select 1 from {schema}.{UsageFactsProjection.TableName} f " +
            "where f.tenant_id = @tenant and f.occurred_at < @end and f.retail_status = 'rated' " +
            $"and not exists (select 1 from {schema}.{TableName} i where i.event_id = f.event_id))", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("end", end.ToDateTimeOffset());
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Marks the tenant's not yet invoiced rated usage before <paramref name="end"/> as billed by the invoice; returns the event ids.</summary>
    public static async Task<HashSet<string>> MarkAsync(NpgsqlConnection connection, string schema, string tenantId, string invoiceId, Instant end, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"insert into {schema}.{TableName} (event_id, invoice_id) " +
            $"select f.event_id, @invoice from {schema}.{UsageFactsProjection.TableName} f " +
            "where f.tenant_id = @tenant and f.occurred_at < @end and f.retail_status = 'rated' " +
            $"and not exists (select 1 from {schema}.{TableName} i where i.event_id = f.event_id) " +
            "on conflict (event_id) do nothing returning event_id", connection);
        command.Parameters.AddWithValue("invoice", invoiceId);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("end", end.ToDateTimeOffset());
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }
}
