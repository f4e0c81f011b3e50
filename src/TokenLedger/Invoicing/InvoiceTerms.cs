namespace TokenLedger.Invoicing;

/// <summary>A tenant's invoicing terms; absent means the defaults. Read at close: an issued invoice keeps the terms it had.</summary>
public sealed record InvoiceTerms(
    string Id, decimal TaxRatePercent = InvoiceTerms.DefaultTaxRatePercent, int NetDays = InvoiceTerms.DefaultNetDays, string Cadence = Cadences.Monthly)
{
    public const decimal DefaultTaxRatePercent = 6m;
    public const int DefaultNetDays = 30;

    public static InvoiceTerms DefaultFor(string tenantId) => new(tenantId);
}
