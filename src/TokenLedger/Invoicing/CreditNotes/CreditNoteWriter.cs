using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Balances;
using TokenLedger.Infrastructure;
using TokenLedger.Receivables;
using TokenLedger.Tenants;

namespace TokenLedger.Invoicing.CreditNotes;

/// <summary>
/// Issues notes: in one transaction it reads the corrected invoice and the tenant's receivables stream
/// (<c>FetchForWriting</c>), decides, takes the note's number and appends the note at the stream version it read. A
/// concurrent note, payment or write-off moves the version: the loser rolls back (its number with it), reads again and
/// decides again, so two notes racing for the last uncredited amount issue one and refuse the other.
/// </summary>
public sealed class CreditNoteWriter(IDocumentStore store, IOptions<InvoicingOptions> options, IClock clock)
{
    public async Task<CreditNoteDecision?> IssueAsync(string invoiceNumber, string actedBy, Func<NoteContext, CreditNoteDecision> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var invoice = await session.Query<Invoice>().FirstOrDefaultAsync(i => i.Number == invoiceNumber, ct);
            if (invoice is null) return null;
            var (stream, context) = await ContextAsync(session, invoice, actedBy, ct);
            var decision = decide(context);
            if (decision is not CreditNoteDecision.Issue issue) return decision;
            var note = await AppendAsync(session, stream, issue.Note, ct);
            try
            {
                await session.SaveChangesAsync(ct);
                return new CreditNoteDecision.Issue(note);
            }
            catch (Exception e) when (attempt < 20 && StreamConflicts.Is(e))
            {
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
        }
    }

    /// <summary>The tenant's receivables stream, opened for writing, and what a note on <paramref name="invoice"/> is decided on.</summary>
    public async Task<(IEventStream<ReceivablesAccount> Stream, NoteContext Context)> ContextAsync(
        IDocumentSession session, Invoice invoice, string actedBy, CancellationToken ct)
    {
        var tenant = await session.LoadAsync<Tenant>(TenantStreams.For(invoice.TenantId), ct);
        var zone = DateTimeZoneProviders.Tzdb[tenant?.TimeZone ?? Tenant.DefaultTimeZone];
        var stream = await session.Events.FetchForWriting<ReceivablesAccount>(ReceivableStreams.For(invoice.TenantId), ct);
        var now = clock.GetCurrentInstant();
        return (stream, new NoteContext(invoice, stream.Aggregate ?? ReceivablesAccount.Empty(invoice.TenantId), now.InZone(zone).Date, now, actedBy));
    }

    /// <summary>
    /// Numbers a decided note and appends it (call inside the open transaction). A credit beyond what the invoice still
    /// had open becomes wallet credit: <c>FundsToppedUp</c> on the account stream, in the same transaction.
    /// </summary>
    public async Task<CreditNoteIssued> AppendAsync(IDocumentSession session, IEventStream<ReceivablesAccount> stream, CreditNoteIssued draft, CancellationToken ct)
    {
        var number = await CreditNoteNumbers.NextAsync(session, options.Value.IssuerId, draft.Kind, draft.IssueDate.Year, ct);
        var note = draft with { Number = number };
        stream.AppendOne(note);
        if (note.ToWalletCredit > 0)
            await session.AppendAtCurrentVersionAsync(AccountStreams.For(note.TenantId), ct,
                new FundsToppedUp(note.TenantId, $"credit-note:{number}", note.ToWalletCredit, note.Currency, number, note.IssuedAt, note.ActedBy));
        return note;
    }
}
