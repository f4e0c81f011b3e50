namespace TokenLedger.Pricing;

/// <summary>An invoice line's amount: the exact unrounded sum it came from and the amount billed.</summary>
public sealed record InvoiceAmount(string Currency, decimal Unrounded, decimal Rounded);

/// <summary>
/// The only place amounts are rounded: once per invoice line, half-up (<see cref="MidpointRounding.AwayFromZero"/>)
/// to the currency's minor unit. Charges are summed unrounded first; an invoice total is the sum of its rounded lines.
/// </summary>
public static class InvoiceRounding
{
    /// <summary>ISO 4217 currencies whose minor unit is not 1/100.</summary>
    private static readonly Dictionary<string, int> NonDefaultMinorUnits = new(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0,
        ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
        ["CLF"] = 4, ["UYW"] = 4,
    };

    /// <summary>Decimal places of the currency's minor unit: 2 for CNY and USD (and any code not listed otherwise), 0 for JPY, 3 for KWD.</summary>
    public static int MinorUnits(string currency) =>
        NonDefaultMinorUnits.TryGetValue(currency, out var units) ? units : 2;

    /// <summary>Rounds an invoice line's unrounded amount half-up to the currency's minor unit.</summary>
    public static decimal RoundLine(decimal unrounded, string currency) =>
        Math.Round(unrounded, MinorUnits(currency), MidpointRounding.AwayFromZero);

    /// <summary>One invoice line from the unrounded amounts behind it (e.g. every charge of a model in a month).</summary>
    public static InvoiceAmount Line(string currency, IEnumerable<decimal> unroundedAmounts)
    {
        var sum = 0m;
        foreach (var amount in unroundedAmounts) sum += amount;
        return new InvoiceAmount(currency, sum, RoundLine(sum, currency));
    }

    /// <summary>An invoice total: the sum of its rounded lines (never a re-rounded sum of unrounded amounts).</summary>
    public static decimal Total(IEnumerable<InvoiceAmount> lines) => lines.Sum(l => l.Rounded);
}
