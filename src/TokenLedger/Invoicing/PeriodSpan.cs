using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Calendars;

namespace TokenLedger.Invoicing;

public static class Cadences
{
    public const string Monthly = "monthly";
    public const string Quarterly = "quarterly";
    public const string Weekly = "weekly";
    public static readonly string[] All = [Monthly, Quarterly, Weekly];
}

/// <summary>
/// A billing period in the tenant's zone, half-open [Start 00:00, End 00:00): a month <c>2026-06</c>, a quarter
/// <c>2026-Q2</c> or an ISO week <c>2026-W23</c> (Monday to Sunday).
/// </summary>
public sealed partial record PeriodSpan(string Text, string Cadence, LocalDate Start, LocalDate End)
{
    public Interval In(DateTimeZone zone) => new(Start.AtStartOfDayInZone(zone).ToInstant(), End.AtStartOfDayInZone(zone).ToInstant());

    public DateInterval Dates => new(Start, End.PlusDays(-1));

    public PeriodSpan Previous() => Containing(Start.PlusDays(-1), Cadence);

    public static PeriodSpan Containing(LocalDate date, string cadence) => cadence switch
    {
        Cadences.Quarterly => Quarter(date.Year, (date.Month + 2) / 3),
        Cadences.Weekly => Week(WeekYearRules.Iso.GetWeekYear(date), WeekYearRules.Iso.GetWeekOfWeekYear(date)),
        _ => Month(date.Year, date.Month),
    };

    public static bool TryParse(string? text, out PeriodSpan span)
    {
        span = null!;
        var match = text is null ? null : Syntax().Match(text);
        if (match is not { Success: true }) return false;
        var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        var number = int.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        if (year is < 2000 or > 2999) return false;
        switch (match.Groups["kind"].Value)
        {
            case "Q" when number is >= 1 and <= 4: span = Quarter(year, number); return true;
            case "W" when number >= 1 && number <= WeekYearRules.Iso.GetWeeksInWeekYear(year): span = Week(year, number); return true;
            case "" when number is >= 1 and <= 12: span = Month(year, number); return true;
            default: return false;
        }
    }

    private static PeriodSpan Month(int year, int month)
    {
        var start = new LocalDate(year, month, 1);
        return new($"{year:0000}-{month:00}", Cadences.Monthly, start, start.PlusMonths(1));
    }

    private static PeriodSpan Quarter(int year, int quarter)
    {
        var start = new LocalDate(year, 3 * quarter - 2, 1);
        return new($"{year:0000}-Q{quarter}", Cadences.Quarterly, start, start.PlusMonths(3));
    }

    private static PeriodSpan Week(int weekYear, int week)
    {
        var start = WeekYearRules.Iso.GetLocalDate(weekYear, week, IsoDayOfWeek.Monday);
        return new($"{weekYear:0000}-W{week:00}", Cadences.Weekly, start, start.PlusDays(7));
    }

    [GeneratedRegex(@"^(?<year>\d{4})-(?:(?<kind>Q)(?<number>\d)|(?<kind>W)(?<number>\d{2})|(?<number>\d{2}))\z")]
    private static partial Regex Syntax();
}
