using System.Globalization;
using FluentValidation;

namespace TokenLedger.Infrastructure;

/// <summary>
/// The upper bounds of the numbers clients send, chosen so that no product the ledger computes from them can overflow
/// <c>decimal</c> (about 7.9 × 10^28): tokens (at most 10^9 per class per event, 10^15 per package) × weight (at most
/// 10^6) stays below 10^22, and tokens × a price per million (at most 10^9) below 10^18. Amounts of money movements
/// (top-ups, credits, refunds, adjustments, payments, deposits) are bounded by their precision: at most 14 integer digits
/// and 6 decimals. README "Limits" lists them all.
/// </summary>
public static class Bounds
{
    /// <summary>Fees, package prices, credit limits, thresholds: 0 to one trillion.</summary>
    public const decimal MaxMoney = 1_000_000_000_000m;

    /// <summary>A price per million tokens (price books, break-even costs): 0 to one billion.</summary>
    public const decimal MaxPricePerMillion = 1_000_000_000m;

    /// <summary>Package tokens one package holds.</summary>
    public const decimal MaxPackageTokens = 1_000_000_000_000_000m;

    /// <summary>Package tokens drawn per token of a class.</summary>
    public const decimal MaxPackageWeight = 1_000_000m;

    /// <summary>A plan cap, in requests or tokens.</summary>
    public const long MaxCapLimit = 1_000_000_000_000_000;

    public static string Text(decimal max) => max.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Text(long max) => max.ToString("#,0", CultureInfo.InvariantCulture);

    public static IRuleBuilderOptions<T, decimal> AtMost<T>(this IRuleBuilder<T, decimal> rule, decimal max, string field) =>
        rule.LessThanOrEqualTo(max).WithMessage($"{field} must be at most {Text(max)}");

    public static IRuleBuilderOptions<T, decimal?> AtMost<T>(this IRuleBuilder<T, decimal?> rule, decimal max, string field) =>
        rule.Must(v => v is null || v <= max).WithMessage($"{field} must be at most {Text(max)}");
}
