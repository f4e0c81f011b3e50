using NodaTime;
using TokenLedger.Invoicing.Rendering;

namespace TokenLedger.Invoicing.CreditNotes.GettingCreditNotes;

/// <summary>What the PDF of a note shows: the note as issued, with the parties and period of the invoice it corrects.</summary>
public static class CreditNoteDocuments
{
    public static InvoiceDocument From(CreditNote note, Invoice invoice)
    {
        var credit = note.Kind == CreditNoteKinds.Credit;
        var amount = (decimal d) => InvoiceFormat.Money(d, note.Currency);
        IReadOnlyList<string> settlement = credit
            ?
            [
                $"Set against invoice {invoice.Number}: {amount(note.AppliedToInvoice)}",
                .. note.ToWalletCredit > 0 ? [$"Credited to the tenant's wallet: {amount(note.ToWalletCredit)}"] : Array.Empty<string>(),
                "Nothing needs to be paid.",
            ]
            : [.. invoice.PaymentInstructions.Where(l => !l.StartsWith("Reference", StringComparison.Ordinal)), $"Reference: {note.Id}"];
        return new InvoiceDocument(
            credit ? InvoiceKind.CreditNote : InvoiceKind.DebitNote, note.Id, invoice.Number,
            new InvoiceIssuer(invoice.Issuer.Name, invoice.Issuer.AddressLines, invoice.Issuer.TaxId ?? ""),
            new InvoiceCustomer(invoice.Customer.Name, invoice.Customer.AddressLines, invoice.Customer.TaxId, invoice.TenantId),
            Period(invoice.Period), note.IssueDate, note.DueDate, note.Currency,
            [.. note.Lines.Select(l => new InvoiceLine(l.Description, "", l.InvoiceLine is { } n ? $"Line {n}" : "", null, null, l.Amount, note.TaxRatePercent, l.TaxAmount))],
            note.Subtotal, note.TaxTotal, note.Total, 0m, note.Total, settlement, $"Reason: {note.Reason}");
    }

    private static DateInterval Period(string period)
    {
        PeriodSpan.TryParse(period, out var span);
        return span.Dates;
    }
}
