using NodaTime;
using TokenLedger.Invoicing.Rendering;

namespace TokenLedger.Invoicing.GettingInvoices;

/// <summary>What the PDF of an issued invoice shows: the invoice as issued, nothing recomputed.</summary>
public static class InvoiceDocuments
{
    public static InvoiceDocument From(Invoice i) => new(
        InvoiceKind.Invoice, i.Number, null,
        new InvoiceIssuer(i.Issuer.Name, i.Issuer.AddressLines, i.Issuer.TaxId ?? ""),
        new InvoiceCustomer(i.Customer.Name, i.Customer.AddressLines, i.Customer.TaxId, i.TenantId),
        Period(i.Period),
        i.IssueDate, i.DueDate, i.Currency,
        [.. i.Lines.Select(l => new InvoiceLine(l.Description, l.Model, l.TokenClass, l.Quantity, l.UnitPricePerMillion, l.Amount, i.TaxRatePercent, l.TaxAmount))],
        i.Subtotal, i.TaxTotal, i.Total, i.PrepaidApplied, i.AmountDue, i.PaymentInstructions, null);

    private static DateInterval Period(string period)
    {
        PeriodSpan.TryParse(period, out var span);
        return span.Dates;
    }
}
