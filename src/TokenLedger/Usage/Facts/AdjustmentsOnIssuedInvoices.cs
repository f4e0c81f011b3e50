using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing.CreditNotes;

namespace TokenLedger.Usage.Facts;

/// <summary>
/// Re-rating adjustments of usage that an issued invoice billed and no invoice or note has billed yet, per re-rating and
/// invoice (what <see cref="ReRatingNotes"/> turns into notes), and the record that a note billed them.
/// </summary>
public static class AdjustmentsOnIssuedInvoices
{
    public static async Task<List<PendingCorrection>> PendingAsync(NpgsqlConnection connection, string tenantId, CancellationToken ct)
    {
        var schema = LedgerSchema.Name;
        await using var command = new NpgsqlCommand(
            $"select a.rerating_id, min(a.reason), i.invoice_id, sum(a.delta), array_agg(a.event_id order by a.event_id) " +
            $"from {schema}.{UsageAdjustmentsProjection.TableName} a " +
            $"join {schema}.{InvoicedUsage.TableName} i on i.event_id = a.event_id " +
            $"join {schema}.{UsageFactsProjection.TableName} f on f.event_id = a.event_id " +
            "where a.side = 'retail' and f.tenant_id = @tenant " +
            $"and not exists (select 1 from {schema}.{InvoicedAdjustments.TableName} x where x.rerating_id = a.rerating_id and x.event_id = a.event_id) " +
            "group by i.invoice_id, a.rerating_id order by i.invoice_id, a.rerating_id", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        var pending = new List<PendingCorrection>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            pending.Add(new PendingCorrection(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDecimal(3), reader.GetFieldValue<string[]>(4)));
        return pending;
    }

    public static async Task MarkBilledAsync(NpgsqlConnection connection, PendingCorrection correction, string noteNumber, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"insert into {LedgerSchema.Name}.{InvoicedAdjustments.TableName} (rerating_id, event_id, invoice_id) " +
            "select @rerating, unnest(@events), @note", connection);
        command.Parameters.AddWithValue("rerating", correction.ReRatingId);
        command.Parameters.AddWithValue("events", correction.EventIds);
        command.Parameters.AddWithValue("note", noteNumber);
        await command.ExecuteNonQueryAsync(ct);
    }
}
