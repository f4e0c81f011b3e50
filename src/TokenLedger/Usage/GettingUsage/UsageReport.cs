using TokenLedger.Usage.Facts;

namespace TokenLedger.Usage.GettingUsage;

/// <summary>Shapes the per-model rows into the usage response. Margin is shown only where cost and charge share a currency.</summary>
public static class UsageReport
{
    public static TenantUsageResponse Build(string tenantId, UsageInterval interval, IReadOnlyList<ModelTotalsRow> rows, string currency, bool showCost)
    {
        var models = rows.Select(r => new ModelUsage(r.Model, r.Events, r.InputTokens, r.CachedInputTokens, r.CacheWriteTokens, r.OutputTokens,
            Money.Of(r.RetailAmount, r.RetailCurrency ?? currency), r.RetailUnrated, showCost ? r.WholesaleUnrated : null,
            showCost ? Cost(r, currency) : null, showCost ? Margin(r, currency) : null)).ToList();

        var retail = rows.Sum(r => r.RetailAmount);
        var wholesale = rows.Sum(r => r.WholesaleAmount);
        var total = Money.Of(retail, currency);
        var costCurrencies = rows.Where(r => r.WholesaleCurrency is not null).Select(r => r.WholesaleCurrency).Distinct().ToList();
        var totalCost = showCost && costCurrencies.Count <= 1 && rows.All(r => r.WholesaleCurrencies <= 1)
            ? Money.Of(wholesale, costCurrencies.SingleOrDefault() ?? currency)
            : null;
        var totalMargin = totalCost is not null && totalCost.Currency == currency && rows.All(FullyRated)
            ? Money.Of(retail - wholesale, currency)
            : null;
        return new TenantUsageResponse(tenantId, interval.From, interval.To, models, total, totalCost, totalMargin);
    }

    private static Money? Cost(ModelTotalsRow row, string currency) =>
        row.WholesaleCurrencies <= 1 ? Money.Of(row.WholesaleAmount, row.WholesaleCurrency ?? currency) : null;

    /// <summary>A margin over partly unrated usage would be wrong, so it is only given when both sides are fully rated.</summary>
    private static Money? Margin(ModelTotalsRow row, string currency) =>
        FullyRated(row) && row.WholesaleCurrencies <= 1 && (row.WholesaleCurrency ?? currency) == (row.RetailCurrency ?? currency)
            ? Money.Of(row.RetailAmount - row.WholesaleAmount, row.RetailCurrency ?? currency)
            : null;

    private static bool FullyRated(ModelTotalsRow row) => row.RetailUnrated == 0 && row.WholesaleUnrated == 0;
}
