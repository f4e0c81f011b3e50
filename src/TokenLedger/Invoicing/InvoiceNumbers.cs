using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Invoicing;

/// <summary>
/// Gap-free invoice numbers <c>TL-{yyyy}-{000001}</c> per issuer and year. The counter row is incremented inside the
/// transaction that starts the invoice stream: concurrent closes queue on the row lock, and a rolled-back close
/// (for example a duplicate) gives its number back.
/// </summary>
public static class InvoiceNumbers
{
    public const string TableName = "invoice_number_counters";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("issuer_id").AsPrimaryKey();
        table.AddColumn<int>("year").AsPrimaryKey();
        table.AddColumn<long>("last_number").NotNull();
        return table;
    }

    public static string Format(int year, long sequence) => $"TL-{year:0000}-{sequence:000000}";

    /// <summary>Takes the next number in the session's open transaction (call <c>BeginTransactionAsync</c> first).</summary>
    public static async Task<string> NextAsync(IDocumentSession session, string issuerId, int year, CancellationToken ct) =>
        Format(year, await NextSequenceAsync(session, issuerId, year, ct));

    /// <summary>The next number of a series (an issuer's invoices, or its credit notes) in the session's open transaction.</summary>
    public static async Task<long> NextSequenceAsync(IDocumentSession session, string seriesId, int year, CancellationToken ct)
    {
        var table = $"{session.DocumentStore.Options.DatabaseSchemaName}.{TableName}";
        await using var command = new NpgsqlCommand(
            $"insert into {table} as c (issuer_id, year, last_number) values (@issuer, @year, 1) " +
            "on conflict (issuer_id, year) do update set last_number = c.last_number + 1 returning c.last_number",
            session.Connection);
        command.Parameters.AddWithValue("issuer", seriesId);
        command.Parameters.AddWithValue("year", year);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
