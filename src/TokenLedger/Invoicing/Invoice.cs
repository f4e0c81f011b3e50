using NodaTime;

namespace TokenLedger.Invoicing;

/// <summary>
/// One line of an issued invoice. Usage lines carry their token quantity, the display unit price and the
/// <see cref="UsageLineKey"/> that finds the usage events behind them and how many there were; account lines (fees, packages, deductions) do not.
/// </summary>
public sealed record InvoiceItem(
    int Number, string Kind, string Description, string Model, string TokenClass, long? Quantity, decimal? UnitPricePerMillion,
    decimal Unrounded, decimal Amount, decimal TaxAmount, UsageLineKey? Usage = null, long? Events = null);

/// <summary>What a usage line groups: the priced model and class at one price book version, tier and discount.</summary>
/// <summary>LateFrom is the month (yyyy-MM) of usage from an earlier, already closed period billed on this invoice; null for the period's own.</summary>
public sealed record UsageLineKey(string Model, string TokenClass, string PriceBook, int Version, int Tier, decimal? Discount, string? LateFrom = null);

public sealed record InvoiceParty(string Name, IReadOnlyList<string> AddressLines, string? TaxId);

/// <summary>
/// The invoice for one tenant and billing period was issued with number <paramref name="Number"/>. It is the only event of
/// the invoice's stream (<see cref="InvoiceStreams"/>): an issued invoice never changes.
/// </summary>
public sealed record InvoiceIssued(
    string InvoiceId, string Number, string IssuerId, string TenantId, string Period, Instant PeriodStart, Instant PeriodEnd,
    InvoiceParty Issuer, InvoiceParty Customer, IReadOnlyList<string> PaymentInstructions,
    LocalDate IssueDate, LocalDate DueDate, string Currency, decimal TaxRatePercent, IReadOnlyList<InvoiceItem> Lines,
    decimal Subtotal, decimal TaxTotal, decimal Total, decimal PrepaidApplied, decimal AmountDue, Instant IssuedAt, string? ActedBy = null);

/// <summary>Inline snapshot of an invoice stream; <see cref="Id"/> is the stream key.</summary>
public sealed record Invoice(
    string Id, string Number, string IssuerId, string TenantId, string Period, Instant PeriodStart, Instant PeriodEnd,
    InvoiceParty Issuer, InvoiceParty Customer, IReadOnlyList<string> PaymentInstructions,
    LocalDate IssueDate, LocalDate DueDate, string Currency, decimal TaxRatePercent, IReadOnlyList<InvoiceItem> Lines,
    decimal Subtotal, decimal TaxTotal, decimal Total, decimal PrepaidApplied, decimal AmountDue, Instant IssuedAt)
{
    public static Invoice Create(InvoiceIssued e) => new(
        e.InvoiceId, e.Number, e.IssuerId, e.TenantId, e.Period, e.PeriodStart, e.PeriodEnd, e.Issuer, e.Customer, e.PaymentInstructions,
        e.IssueDate, e.DueDate, e.Currency, e.TaxRatePercent, e.Lines, e.Subtotal, e.TaxTotal, e.Total, e.PrepaidApplied, e.AmountDue, e.IssuedAt);
}

public static class InvoiceStreams
{
    public static string For(string tenantId, string period) => $"invoice:{tenantId}:{period}";
}
