using NodaTime;

namespace TokenLedger.Invoicing.GettingInvoices;

public sealed record InvoiceLineResponse(
    int Number, string Kind, string Description, string Model, string TokenClass, long? Quantity, decimal? UnitPricePerMillion,
    decimal Amount, decimal TaxAmount, long? Events);

/// <summary>An issued invoice as JSON; <see cref="InvoiceId"/> is its number, the id of every invoice URL.</summary>
public sealed record InvoiceResponse(
    string InvoiceId, string Number, string TenantId, string Period, Instant PeriodStart, Instant PeriodEnd, InvoiceParty Issuer, InvoiceParty Customer,
    LocalDate IssueDate, LocalDate DueDate, string Currency, decimal TaxRatePercent, IReadOnlyList<InvoiceLineResponse> Lines,
    decimal Subtotal, decimal TaxTotal, decimal Total, decimal PrepaidApplied, decimal AmountDue, IReadOnlyList<string> PaymentInstructions, Instant IssuedAt)
{
    public static InvoiceResponse From(Invoice i) => new(
        i.Number, i.Number, i.TenantId, i.Period, i.PeriodStart, i.PeriodEnd, i.Issuer, i.Customer, i.IssueDate, i.DueDate, i.Currency, i.TaxRatePercent,
        [.. i.Lines.Select(l => new InvoiceLineResponse(l.Number, l.Kind, l.Description, l.Model, l.TokenClass, l.Quantity, l.UnitPricePerMillion, l.Amount, l.TaxAmount, l.Events))],
        i.Subtotal, i.TaxTotal, i.Total, i.PrepaidApplied, i.AmountDue, i.PaymentInstructions, i.IssuedAt);
}

/// <summary>A line of the invoice list.</summary>
public sealed record InvoiceSummaryResponse(string InvoiceId, string Period, LocalDate IssueDate, LocalDate DueDate, string Currency, decimal Total, decimal AmountDue)
{
    public static InvoiceSummaryResponse From(Invoice i) => new(i.Number, i.Period, i.IssueDate, i.DueDate, i.Currency, i.Total, i.AmountDue);
}
