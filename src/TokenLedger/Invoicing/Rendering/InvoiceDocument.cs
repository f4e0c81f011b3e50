using NodaTime;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>What kind of document a PDF is: an invoice, or a note that corrects an issued invoice.</summary>
public enum InvoiceKind
{
    Invoice,
    CreditNote,
    DebitNote,
}

/// <summary>
/// Everything an invoice PDF shows, already decided and rounded: the renderer formats and lays it out and computes nothing.
/// Money is <see cref="decimal"/> in <see cref="Currency"/>, rounded to the currency's minor unit (see
/// <see cref="Pricing.InvoiceRounding"/>).
/// </summary>
/// <param name="Number">The document's own number, e.g. <c>TL-2026-000123</c>.</param>
/// <param name="ReferencesNumber">For a credit or debit note, the number of the invoice it corrects.</param>
/// <param name="Period">The billing period, both dates inclusive.</param>
/// <param name="Currency">ISO 4217 code, e.g. <c>CNY</c>.</param>
/// <param name="PrepaidApplied">Prepaid balance (wallet, token packages) set against <see cref="Total"/>.</param>
/// <param name="AmountDue"><see cref="Total"/> less <see cref="PrepaidApplied"/>: what the customer has to pay.</param>
/// <param name="PaymentInstructions">Lines such as bank, account and reference, shown as given.</param>
public sealed record InvoiceDocument(
    InvoiceKind Kind,
    string Number,
    string? ReferencesNumber,
    InvoiceIssuer Issuer,
    InvoiceCustomer Customer,
    DateInterval Period,
    LocalDate IssueDate,
    LocalDate DueDate,
    string Currency,
    IReadOnlyList<InvoiceLine> Lines,
    decimal Subtotal,
    decimal TaxTotal,
    decimal Total,
    decimal PrepaidApplied,
    decimal AmountDue,
    IReadOnlyList<string> PaymentInstructions,
    string? Notes);

/// <summary>The seller: the legal entity that issues the invoice.</summary>
public sealed record InvoiceIssuer(string Name, IReadOnlyList<string> AddressLines, string TaxId);

/// <summary>The buyer ("Bill to"), with the tenant whose usage is billed.</summary>
public sealed record InvoiceCustomer(string Name, IReadOnlyList<string> AddressLines, string? TaxId, string TenantId);

/// <summary>
/// One invoice line. Usage lines carry a token quantity and a price per million tokens; fee lines (a plan fee, an
/// adjustment) leave both null.
/// </summary>
/// <param name="TokenClass">Input, cached input, cache write, output, … (empty for fee lines).</param>
/// <param name="Amount">The line's amount before tax, rounded to minor units.</param>
public sealed record InvoiceLine(
    string Description,
    string Model,
    string TokenClass,
    long? Quantity,
    decimal? UnitPricePerMillion,
    decimal Amount,
    decimal TaxRatePercent,
    decimal TaxAmount);
