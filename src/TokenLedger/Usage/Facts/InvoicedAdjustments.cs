using Npgsql;
using TokenLedger.Invoicing;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Usage.Facts;

/// <summary>
/// Retail price corrections (re-rating adjustments) and the document that billed each, one row per adjustment
/// (<c>invoice_id</c>: an invoice's stream key or a credit/debit note's number). The rule: a correction of usage no
/// invoice has billed yet goes onto the invoice that bills that usage (a close takes the adjustments of the usage it
/// marks, one line per re-rating: a debit for a price raised, a credit (negative line) for a price lowered); a correction
/// of usage an issued invoice billed goes onto a credit or debit note against that invoice (<see cref="CreditNotes.ReRatingNotes"/>),
/// never onto a later invoice. The primary key bills each adjustment once.
/// </summary>
public static class InvoicedAdjustments
{
    public const string TableName = "invoiced_adjustments";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("rerating_id").AsPrimaryKey();
        table.AddColumn<string>("event_id").AsPrimaryKey();
        table.AddColumn<string>("invoice_id").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_invoiced_adjustments_invoice") { Columns = ["invoice_id"] });
        return table;
    }

    /// <summary>Marks the unbilled retail adjustments of the usage this invoice bills as billed by it and returns one charge per re-rating.</summary>
    public static async Task<IReadOnlyList<AccountCharge>> BillAsync(NpgsqlConnection connection, string schema, string tenantId, string invoiceId, CancellationToken ct)
    {
        var adjustments = $"{schema}.{UsageAdjustmentsProjection.TableName}";
        await using var command = new NpgsqlCommand(
            $"with billed as (insert into {schema}.{TableName} (rerating_id, event_id, invoice_id) " +
            $"select a.rerating_id, a.event_id, @invoice from {adjustments} a " +
            $"join {schema}.{InvoicedUsage.TableName} i on i.event_id = a.event_id " +
            $"join {schema}.{UsageFactsProjection.TableName} f on f.event_id = a.event_id " +
            "where a.side = 'retail' and f.tenant_id = @tenant and i.invoice_id = @invoice " +
            $"and not exists (select 1 from {schema}.{TableName} x where x.rerating_id = a.rerating_id and x.event_id = a.event_id) " +
            "on conflict do nothing returning rerating_id, event_id) " +
            $"select a.rerating_id, min(a.reason), sum(a.delta) from billed b join {adjustments} a " +
            "on a.rerating_id = b.rerating_id and a.event_id = b.event_id and a.side = 'retail' group by a.rerating_id order by a.rerating_id", connection);
        command.Parameters.AddWithValue("invoice", invoiceId);
        command.Parameters.AddWithValue("tenant", tenantId);
        var charges = new List<AccountCharge>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            charges.Add(new AccountCharge(InvoiceLineKinds.PriceCorrection, $"Price correction {reader.GetString(0)}: {reader.GetString(1)}", reader.GetDecimal(2)));
        return charges;
    }
}
