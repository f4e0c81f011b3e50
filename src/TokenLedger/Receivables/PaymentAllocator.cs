using NodaTime;

namespace TokenLedger.Receivables;

/// <summary>
/// The allocation rule: a payment that names an invoice pays that invoice first; then (and always otherwise) the
/// tenant's open invoices oldest first, by due date then invoice number; each invoice receives at most its open amount.
/// What is left after every open invoice is paid becomes wallet credit.
/// </summary>
public static class PaymentAllocator
{
    public static (IReadOnlyList<PaymentAllocation> Allocations, decimal ToWalletCredit) Allocate(
        IEnumerable<OpenInvoice> invoices, decimal amount, string? namedInvoice, LocalDate receivedOn)
    {
        var open = invoices.Where(i => i.Open > 0)
            .OrderBy(i => i.Number == namedInvoice ? 0 : 1).ThenBy(i => i.DueDate).ThenBy(i => i.Number, StringComparer.Ordinal);
        var allocations = new List<PaymentAllocation>();
        var rest = amount;
        foreach (var invoice in open)
        {
            if (rest <= 0) break;
            var part = Math.Min(invoice.Open, rest);
            allocations.Add(new PaymentAllocation(invoice.Number, part, invoice.DueDate, Period.Between(invoice.DueDate, receivedOn, PeriodUnits.Days).Days));
            rest -= part;
        }
        return (allocations, rest);
    }
}
