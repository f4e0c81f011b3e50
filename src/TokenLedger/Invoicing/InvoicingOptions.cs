namespace TokenLedger.Invoicing;

/// <summary>The legal entity that issues invoices (configuration section <c>TokenLedger:Invoicing</c>). One issuer, <c>house</c>, for now.</summary>
public sealed class InvoicingOptions
{
    public const string Section = "TokenLedger:Invoicing";

    public string IssuerId { get; set; } = "house";

    /// <summary>How often the automatic closer looks for ended periods; zero or negative turns it off.</summary>
    public TimeSpan AutoCloseInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after a period ends (in the tenant's zone) it is closed automatically, so that late usage can arrive.</summary>
    public TimeSpan AutoCloseDelay { get; set; } = TimeSpan.FromHours(1);
    public string IssuerName { get; set; } = "TokenLedger Demo Issuer Co., Ltd.";
    public List<string> IssuerAddressLines { get; set; } = ["88 Century Avenue, Pudong New District", "Shanghai 200120, China"];
    public string IssuerTaxId { get; set; } = "91310000MA1DEMO00X";
    public List<string> PaymentInstructions { get; set; } =
        ["Bank: Demo Bank of Shanghai, Pudong Branch", "Account name: TokenLedger Demo Issuer Co., Ltd.", "Account no.: 6222 0000 0000 0000", "Reference: the invoice number"];
}
