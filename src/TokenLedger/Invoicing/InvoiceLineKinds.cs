namespace TokenLedger.Invoicing;

public static class InvoiceLineKinds
{
    public const string Usage = "usage";
    public const string SubscriptionFee = "subscription-fee";
    public const string TokenPackage = "token-package";
    public const string CoveredByPlan = "covered-by-plan";
    public const string DrawnFromPackage = "drawn-from-package";
    public const string PriceCorrection = "price-correction";
    public const string Credits = "credits";
    public const string VolumeDiscount = "volume-discount";
}
