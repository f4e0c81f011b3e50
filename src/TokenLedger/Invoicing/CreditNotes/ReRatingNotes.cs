using Marten;
using Microsoft.Extensions.Logging;
using TokenLedger.Infrastructure;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Invoicing.CreditNotes;

/// <summary>The unbilled retail adjustments of one re-rating to usage one issued invoice billed, summed.</summary>
public sealed record PendingCorrection(string ReRatingId, string Reason, string InvoiceId, decimal Delta, string[] EventIds);

/// <summary>
/// Turns re-rating adjustments of usage on issued invoices into notes: one credit note (price lowered) or debit note
/// (price raised) per re-rating and corrected invoice, and records in <see cref="InvoicedAdjustments"/> that the note
/// billed them, so no close ever bills them again. It takes the tenant's close lock, so a note and a close never see
/// the same adjustment as unbilled. It picks up every such adjustment of the tenant, so a run that was interrupted is
/// completed by the next one.
/// </summary>
public sealed class ReRatingNotes(IDocumentStore store, CreditNoteWriter writer, ILogger<ReRatingNotes> logger)
{
    public async Task<IReadOnlyList<CreditNoteIssued>> IssueAsync(string tenantId, string actedBy, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var connection = session.Connection!;
            await InvoicedUsage.LockTenantAsync(connection, tenantId, ct);
            var pending = await AdjustmentsOnIssuedInvoices.PendingAsync(connection, tenantId, ct);
            if (pending.Count == 0) return [];
            var issued = new List<CreditNoteIssued>();
            JasperFx.Events.IEventStream<Receivables.ReceivablesAccount>? stream = null;
            NoteContext? context = null;
            foreach (var byInvoice in pending.GroupBy(p => p.InvoiceId))
            {
                if (await session.LoadAsync<Invoice>(byInvoice.Key, ct) is not { } invoice) continue;
                // One receivables stream per tenant: opened for writing once, its state carried from note to note.
                if (stream is null || context is null) (stream, context) = await writer.ContextAsync(session, invoice, actedBy, ct);
                else context = context with { Invoice = invoice };
                foreach (var correction in byInvoice)
                {
                    switch (CreditNoteDecider.ReRating(correction.ReRatingId, correction.Reason, correction.Delta, context))
                    {
                        case CreditNoteDecision.Issue issue:
                            var note = await writer.AppendAsync(session, stream, issue.Note, ct);
                            context = context with { Account = context.Account.Apply(note) };
                            issued.Add(note);
                            await AdjustmentsOnIssuedInvoices.MarkBilledAsync(connection, correction, note.Number, ct);
                            break;
                        case CreditNoteDecision.AlreadyIssued done:
                            await AdjustmentsOnIssuedInvoices.MarkBilledAsync(connection, correction, done.Note.Number, ct);
                            break;
                        case CreditNoteDecision.Refused refused:
                            logger.LogWarning("Re-rating {ReRatingId} of tenant {TenantId} left without a note on invoice {Invoice}: {Reason}",
                                correction.ReRatingId, tenantId, invoice.Number, refused.Reason);
                            break;
                    }
                }
            }
            try
            {
                await session.SaveChangesAsync(ct);
                return issued;
            }
            catch (Exception e) when (attempt < 20 && StreamConflicts.Is(e))
            {
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
        }
    }
}
