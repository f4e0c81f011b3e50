using Marten;
using NodaTime;
using TokenLedger.Invoicing;
using TokenLedger.Receivables;

namespace TokenLedger.Prepayment.GettingExposure;

/// <summary>How far the invoices that billed drawn usage had been settled at an instant, from the receivables ledger.</summary>
public sealed class InvoiceSettlements(IDocumentStore store, ReceivablesLedger receivables)
{
    public async Task<IReadOnlyDictionary<string, BilledInvoice>> StandingsAsync(IReadOnlyList<string> invoiceIds, Instant asOf, CancellationToken ct)
    {
        var found = new Dictionary<string, BilledInvoice>(StringComparer.Ordinal);
        if (invoiceIds.Count == 0) return found;
        await using var session = store.QuerySession();
        var invoices = await session.LoadManyAsync<Invoice>(ct, invoiceIds);
        foreach (var tenant in invoices.Where(i => i.IssuedAt <= asOf).GroupBy(i => i.TenantId, StringComparer.Ordinal))
        {
            var open = (await receivables.InvoicesAsOf(asOf, tenant.Key, ct: ct)).ToDictionary(s => s.Number, s => s.Open, StringComparer.Ordinal);
            foreach (var invoice in tenant)
                found[invoice.Id] = new BilledInvoice(invoice.Id, invoice.IssuedAt, invoice.Total, open.GetValueOrDefault(invoice.Number, invoice.AmountDue));
        }
        return found;
    }
}
