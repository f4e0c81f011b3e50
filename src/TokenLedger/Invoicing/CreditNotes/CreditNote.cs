using NodaTime;

namespace TokenLedger.Invoicing.CreditNotes;

public static class CreditNoteKinds
{
    /// <summary>Lowers what the corrected invoice asks for.</summary>
    public const string Credit = "credit";

    /// <summary>Raises it: a receivable of its own, due <c>netDays</c> after its issue date.</summary>
    public const string Debit = "debit";
}

public static class CreditNoteSources
{
    public const string Finance = "finance";
    public const string ReRating = "re-rating";
}

/// <summary>
/// One line of a note, as positive money (the kind says which way it goes). <paramref name="InvoiceLine"/> is the corrected
/// invoice's line a finance credit refers to; a re-rating line names its re-rating instead.
/// </summary>
public sealed record CreditNoteLine(int Number, int? InvoiceLine, string Description, decimal Unrounded, decimal Amount, decimal TaxAmount, string? ReRatingId = null);

/// <summary>
/// A credit or debit note correcting the issued invoice <paramref name="InvoiceNumber"/> was issued with its own gap-free
/// number. It is appended to the tenant's receivables stream (<c>receivables:{tenantId}</c>), decided against that
/// stream's version. A credit note's <paramref name="AppliedToInvoice"/> lowers the invoice's open amount and
/// <paramref name="ToWalletCredit"/> (what the invoice no longer had open) becomes wallet credit; a debit note is a
/// receivable of its own, due on <paramref name="DueDate"/>. <paramref name="RequestId"/> makes the same request issue once.
/// </summary>
public sealed record CreditNoteIssued(
    string TenantId, string Number, string Kind, string InvoiceNumber, string Source, string Reason, string RequestId,
    string Currency, decimal TaxRatePercent, IReadOnlyList<CreditNoteLine> Lines, decimal Subtotal, decimal TaxTotal, decimal Total,
    decimal AppliedToInvoice, decimal ToWalletCredit, LocalDate IssueDate, LocalDate DueDate, Instant IssuedAt, string ActedBy);

/// <summary>A note as the endpoints read it (document id = its number); written by <see cref="CreditNotesProjection"/>, never changed.</summary>
public sealed record CreditNote(
    string Id, string TenantId, string Kind, string InvoiceNumber, string Source, string Reason, string Currency, decimal TaxRatePercent,
    IReadOnlyList<CreditNoteLine> Lines, decimal Subtotal, decimal TaxTotal, decimal Total, decimal AppliedToInvoice, decimal ToWalletCredit,
    LocalDate IssueDate, LocalDate DueDate, Instant IssuedAt, string ActedBy)
{
    public static CreditNote From(CreditNoteIssued e) => new(
        e.Number, e.TenantId, e.Kind, e.InvoiceNumber, e.Source, e.Reason, e.Currency, e.TaxRatePercent, e.Lines, e.Subtotal, e.TaxTotal, e.Total,
        e.AppliedToInvoice, e.ToWalletCredit, e.IssueDate, e.DueDate, e.IssuedAt, e.ActedBy);
}
