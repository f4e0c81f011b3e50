using System.Globalization;

namespace TokenLedger.Usage.GettingUsage;

/// <summary>A decimal amount as exact text (unrounded), with its ISO 4217 currency.</summary>
public sealed record Money(string Amount, string Currency)
{
    public static Money Of(decimal amount, string currency) => new(amount.ToString(CultureInfo.InvariantCulture), currency);
}
