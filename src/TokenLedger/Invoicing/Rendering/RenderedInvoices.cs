using Npgsql;
using NodaTime;
using TokenLedger.Invoicing.GettingInvoices;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>
/// The rendered PDF of each issued invoice, kept in PostgreSQL (<c>invoice_pdfs</c>) under its number and
/// <see cref="InvoicePdfRenderer.Version"/>: an issued invoice never changes, so its bytes are rendered once and then
/// served from the table, by every instance and after a restart. A durable table rather than a memory cache because
/// the bytes are small (about 100 KB), rendering costs 10–160 ms of CPU, and a memory cache would render again on every
/// instance and after every deploy. A new renderer version renders again (and keeps the old rows, which are not read).
/// </summary>
public sealed class RenderedInvoices(NpgsqlDataSource db, InvoicePdfRenderer renderer, InvoicingMetrics metrics, IClock clock)
{
    public const string TableName = "invoice_pdfs";
    private static readonly string Qualified = $"{Infrastructure.LedgerSchema.Name}.{TableName}";

    public static Table Define(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("invoice_id").AsPrimaryKey();
        table.AddColumn<string>("renderer_version").AsPrimaryKey();
        table.AddColumn("pdf", "bytea").NotNull();
        table.AddColumn("rendered_at", "timestamptz").NotNull();
        return table;
    }

    /// <summary>The invoice's PDF: the stored bytes, or rendered now and stored (a concurrent first request keeps the first row).</summary>
    public async Task<byte[]> PdfAsync(Invoice invoice, CancellationToken ct)
    {
        await using (var read = db.CreateCommand($"select pdf from {Qualified} where invoice_id = $1 and renderer_version = $2"))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = invoice.Number });
            read.Parameters.Add(new NpgsqlParameter { Value = InvoicePdfRenderer.Version });
            if (await read.ExecuteScalarAsync(ct) is byte[] stored)
            {
                metrics.PdfServedFromStore();
                return stored;
            }
        }
        var pdf = renderer.Render(InvoiceDocuments.From(invoice));
        metrics.PdfRendered();
        await using var write = db.CreateCommand(
            $"insert into {Qualified} (invoice_id, renderer_version, pdf, rendered_at) values ($1, $2, $3, $4) on conflict do nothing");
        write.Parameters.Add(new NpgsqlParameter { Value = invoice.Number });
        write.Parameters.Add(new NpgsqlParameter { Value = InvoicePdfRenderer.Version });
        write.Parameters.Add(new NpgsqlParameter { Value = pdf });
        write.Parameters.Add(new NpgsqlParameter { Value = clock.GetCurrentInstant().ToDateTimeOffset() });
        await write.ExecuteNonQueryAsync(ct);
        return pdf;
    }
}
