using NodaTime;
using NodaTime.Text;

namespace TokenLedger.Invoicing;

/// <summary>A calendar month in the tenant's zone, half-open: [first day 00:00, next month's first day 00:00).</summary>
public static class BillingPeriod
{
    private static readonly YearMonthPattern Pattern = YearMonthPattern.CreateWithInvariantCulture("uuuu'-'MM");

    public static bool TryParse(string? text, out YearMonth period)
    {
        var result = text is null ? null : Pattern.Parse(text);
        period = result is { Success: true } ? result.Value : default;
        return result is { Success: true } && period.Year is >= 2000 and <= 2999;
    }

    public static string Format(YearMonth period) => Pattern.Format(period);

    public static Interval In(YearMonth period, DateTimeZone zone) => new(
        period.OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant(),
        period.PlusMonths(1).OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant());

    public static YearMonth Of(Instant instant, DateTimeZone zone) => instant.InZone(zone).Date.ToYearMonth();
}
