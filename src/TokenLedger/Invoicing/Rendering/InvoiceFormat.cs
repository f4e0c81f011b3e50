using System.Globalization;
using NodaTime;
using NodaTime.Text;
using TokenLedger.Pricing;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>
/// How numbers, money and dates read on an invoice: culture-invariant, thousands separators, amounts to the
/// currency's minor unit (2 for CNY and USD, 0 for JPY), unit prices to between 2 and 6 decimals.
/// </summary>
public static class InvoiceFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"¥1,234.50", "-$0.25", "EUR 10.00", "¥1,235" for JPY.</summary>
    public static string Money(decimal amount, string currency)
    {
        var units = InvoiceRounding.MinorUnits(currency);
        var digits = Math.Abs(amount).ToString("N" + units.ToString(Invariant), Invariant);
        var sign = amount < 0 ? "-" : "";
        return Symbol(currency) is { } symbol ? $"{sign}{symbol}{digits}" : $"{sign}{currency} {digits}";
    }

    /// <summary>A price per million tokens: "¥2.00", "$0.075", "¥0.123457" (never more than 6 decimals).</summary>
    public static string UnitPrice(decimal price, string currency)
    {
        var digits = Math.Abs(price).ToString("#,##0.00####", Invariant);
        var sign = price < 0 ? "-" : "";
        return Symbol(currency) is { } symbol ? $"{sign}{symbol}{digits}" : $"{sign}{currency} {digits}";
    }

    /// <summary>A token count: "1,234,567".</summary>
    public static string Tokens(long quantity) => quantity.ToString("N0", Invariant);

    /// <summary>A tax rate: "6%", "13%", "8.5%".</summary>
    public static string Rate(decimal percent) => percent.ToString("0.##", Invariant) + "%";

    /// <summary>ISO 8601: "2026-06-30".</summary>
    public static string Date(LocalDate date) => LocalDatePattern.Iso.Format(date);

    /// <summary>"2026-06-01 – 2026-06-30" (both dates inclusive).</summary>
    public static string Period(DateInterval period) => $"{Date(period.Start)} – {Date(period.End)}";

    private static string? Symbol(string currency) => currency switch
    {
        "CNY" => "¥",
        "USD" => "$",
        _ => null,
    };
}
