using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Receivables;

/// <summary>
/// An invoice's standing as of an instant: what it asked for (<paramref name="TotalDue"/>, the invoice's amount due after
/// prepaid funds), what had been paid and written off by then, and what was still open (never below zero).
/// </summary>
public sealed record InvoiceStanding(
    string TenantId, string Number, string Currency, LocalDate IssueDate, LocalDate DueDate, Instant IssuedAt,
    decimal TotalDue, decimal Paid, decimal WrittenOff, decimal Open);

/// <summary>
/// The public query side of receivables: per-invoice standing as the ledger knew it at an instant. "Knew" is by recorded
/// time: an invoice counts from its IssuedAt, a payment from its RecordedAt (not its ReceivedAt), a write-off from its
/// WrittenOffAt; so asking again later about the same instant gives the same answer, whatever was recorded since.
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
        if (openOnly) filters.Add("i.settled_at > @asOf");
        if (tenantId is not null) filters.Add("i.tenant_id = @tenant");
        await using var command = db.CreateCommand(
            $"""
            select i.tenant_id, i.number, i.currency, i.issue_date, i.due_date, i.issued_at, i.amount_due,
                   coalesce(sum(m.amount) filter (where m.kind = 'payment'), 0), coalesce(sum(m.amount) filter (where m.kind = 'write-off'), 0)
            from {Schema}.{ReceivablesProjection.Invoices} i
            left join {Schema}.{ReceivablesProjection.Movements} m on m.invoice_number = i.number and m.recorded_at <= @asOf
            where {string.Join(" and ", filters)}
            group by i.number
            order by i.tenant_id, i.due_date, i.number
            """);
        command.Parameters.AddWithValue("asOf", asOf.ToDateTimeUtc());
        if (tenantId is not null) command.Parameters.AddWithValue("tenant", tenantId);
        var standings = new List<InvoiceStanding>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var due = reader.GetDecimal(6);
            var paid = reader.GetDecimal(7);
            var writtenOff = reader.GetDecimal(8);
            var standing = new InvoiceStanding(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(3)), LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(4)),
                Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc)), due, paid, writtenOff,
                Math.Max(0, due - paid - writtenOff));
            if (!openOnly || standing.Open > 0) standings.Add(standing);
        }
        return standings;
    }
}
