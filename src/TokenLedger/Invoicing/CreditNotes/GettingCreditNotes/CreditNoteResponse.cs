using NodaTime;

namespace TokenLedger.Invoicing.CreditNotes.GettingCreditNotes;

public sealed record CreditNoteLineResponse(int Number, int? InvoiceLine, string Description, decimal Amount, decimal TaxAmount, string? ReRatingId);

/// <summary>A credit or debit note as JSON; <see cref="CreditNoteId"/> is its number, the id of every note URL.</summary>
public sealed record CreditNoteResponse(
    string CreditNoteId, string Number, string Kind, string InvoiceNumber, string TenantId, string Source, string Reason, string Currency,
    decimal TaxRatePercent, IReadOnlyList<CreditNoteLineResponse> Lines, decimal Subtotal, decimal TaxTotal, decimal Total,
    decimal AppliedToInvoice, decimal ToWalletCredit, LocalDate IssueDate, LocalDate DueDate, Instant IssuedAt, string ActedBy)
{
    public static CreditNoteResponse From(CreditNote n) => new(
        n.Id, n.Id, n.Kind, n.InvoiceNumber, n.TenantId, n.Source, n.Reason, n.Currency, n.TaxRatePercent,
        [.. n.Lines.Select(l => new CreditNoteLineResponse(l.Number, l.InvoiceLine, l.Description, l.Amount, l.TaxAmount, l.ReRatingId))],
        n.Subtotal, n.TaxTotal, n.Total, n.AppliedToInvoice, n.ToWalletCredit, n.IssueDate, n.DueDate, n.IssuedAt, n.ActedBy);
}
