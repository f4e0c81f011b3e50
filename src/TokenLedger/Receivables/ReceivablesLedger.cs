using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Receivables;

/// <summary>
/// An invoice's standing as of an instant: what it asked for (<paramref name="TotalDue"/>, the invoice's amount due after
/// prepaid funds), what had been paid, written off and credited (credit notes) by then, and what was still open (never
/// below zero). A debit note is listed like an invoice, under its own number.
/// </summary>
public sealed record InvoiceStanding(
    string TenantId, string Number, string Currency, LocalDate IssueDate, LocalDate DueDate, Instant IssuedAt,
    decimal TotalDue, decimal Paid, decimal WrittenOff, decimal Open, decimal Credited = 0m);

/// <summary>
/// The public query side of receivables: per-invoice standing as the ledger knew it at an instant. "Knew" is by recorded
/// time: an invoice counts from its IssuedAt, a payment from its RecordedAt (not its ReceivedAt), a write-off from its
/// WrittenOffAt, a credit note from its IssuedAt; so asking again later about the same instant gives the same answer, whatever was recorded since.
/// </summary>
public sealed class ReceivablesLedger(NpgsqlDataSource db)
{
    private const string Schema = LedgerSchema.Name;

    /// <summary>
    /// Every invoice issued at or before <paramref name="asOf"/> (of one tenant, or all), with its standing then.
    /// <paramref name="openOnly"/> keeps those with something still open, which is what aging reads (and is indexed for).
    /// </summary>
    public async Task<IReadOnlyList<InvoiceStanding>> InvoicesAsOf(Instant asOf, string? tenantId = null, bool openOnly = false, CancellationToken ct = default)
    {
        var filters = new List<string> { "i.issued_at <= @asOf" };
        // Both forms of "open at asOf": the planner takes the covering btree (settled_at, issued_at) when asOf is recent
        // (few invoices settled after it) and the GiST range index for an instant further back.
        if (openOnly) filters.Add("i.settled_at > @asOf and tstzrange(i.issued_at, i.settled_at) @> @asOf::timestamptz");
        if (tenantId is not null) filters.Add("i.tenant_id = @tenant");
        await using var connection = await FinanceConnection.OpenAsync(db, ct);
        await using var command = new NpgsqlCommand(
            $"""
            select i.tenant_id, i.number, i.currency, i.issue_date, i.due_date, i.issued_at, i.amount_due,
                   case when i.last_moved_at is null or i.first_moved_at > @asOf then 0 when i.last_moved_at <= @asOf then coalesce(i.paid, 0)
                        else (select coalesce(sum(m.amount), 0) from {Schema}.{ReceivablesProjection.Movements} m
                              where m.invoice_number = i.number and m.kind = 'payment' and m.recorded_at <= @asOf) end,
                   case when i.last_moved_at is null or i.first_moved_at > @asOf then 0 when i.last_moved_at <= @asOf then coalesce(i.written_off, 0)
                        else (select coalesce(sum(m.amount), 0) from {Schema}.{ReceivablesProjection.Movements} m
                              where m.invoice_number = i.number and m.kind = 'write-off' and m.recorded_at <= @asOf) end,
                   case when i.last_moved_at is null or i.first_moved_at > @asOf then 0 when i.last_moved_at <= @asOf then coalesce(i.credited, 0)
                        else (select coalesce(sum(m.amount), 0) from {Schema}.{ReceivablesProjection.Movements} m
                              where m.invoice_number = i.number and m.kind = 'credit-note' and m.recorded_at <= @asOf) end
            from {Schema}.{ReceivablesProjection.Invoices} i
            where {string.Join(" and ", filters)}
            """, connection);
        command.Parameters.AddWithValue("asOf", asOf.ToDateTimeUtc());
        if (tenantId is not null) command.Parameters.AddWithValue("tenant", tenantId);
        var standings = new List<InvoiceStanding>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var due = reader.GetDecimal(6);
            var paid = reader.GetDecimal(7);
            var writtenOff = reader.GetDecimal(8);
            var credited = reader.GetDecimal(9);
            var standing = new InvoiceStanding(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(3)), LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(4)),
                Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc)), due, paid, writtenOff,
                Math.Max(0, due - paid - writtenOff - credited), credited);
            if (!openOnly || standing.Open > 0) standings.Add(standing);
        }
        // Sorted here, ordinally, so the order never depends on the database's collation.
        return standings.OrderBy(s => s.TenantId, StringComparer.Ordinal).ThenBy(s => s.DueDate).ThenBy(s => s.Number, StringComparer.Ordinal).ToList();
    }
}
