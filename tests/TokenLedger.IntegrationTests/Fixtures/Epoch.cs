using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace TokenLedger.IntegrationTests.Fixtures;

/// <summary>
/// The instant the services of the integration tests start at (the pinned collection's <see cref="NodaTime.Testing.FakeClock"/>,
/// every other service's <see cref="Clock"/>), and every date the tests use, derived from it. One knob moves the whole suite in time: <c>TOKENLEDGER_TEST_EPOCH=2031-01-20T00:00:00Z
/// ops/test ...</c> (an RFC 3339 instant with Z); without it, <see cref="Default"/>. This is the only file of the
/// integration tests that may spell a year (tests/TokenLedger.Tests guards that).
/// </summary>
public static class Epoch
{
    public const string Variable = "TOKENLEDGER_TEST_EPOCH";

    /// <summary>15 September 2026, 08:00 in Shanghai.</summary>
    public static readonly Instant Default = Instant.FromUtc(2026, 9, 15, 0, 0);

    /// <summary>Tenants are in Shanghai unless a test says otherwise.</summary>
    public static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public static Instant Start { get; } = Read();

    /// <summary>
    /// The clock of every service the tests start without a pinned clock of their own (<see cref="LedgerHost.StartAsync"/>):
    /// <see cref="Start"/> when the run starts, then running. Tests date their data from it (<see cref="Now"/>,
    /// <see cref="UtcNow"/>), never from the wall clock.
    /// </summary>
    public static RunningClock Clock { get; } = new(Start);

    /// <summary>The running clock's instant (<see cref="Clock"/>).</summary>
    public static Instant Now => Clock.GetCurrentInstant();

    /// <summary>The running clock's instant as a <see cref="DateTimeOffset"/> in UTC.</summary>
    public static DateTimeOffset UtcNow => Now.ToDateTimeOffset();

    /// <summary>The running clock's instant in Shanghai (+08:00).</summary>
    public static DateTimeOffset ShanghaiNow => UtcNow.ToOffset(TimeSpan.FromHours(8));

    /// <summary>The epoch's date in Shanghai: the pinned service's "today" (and the issue date of what it closes).</summary>
    public static LocalDate Today => Start.InZone(Shanghai).Date;

    /// <summary>The epoch's month in Shanghai.</summary>
    public static Month ThisMonth => new(YearMonth(Today));

    /// <summary>The month <paramref name="at"/> is in, in Shanghai.</summary>
    public static Month MonthOf(Instant at) => new(YearMonth(at.InZone(Shanghai).Date));

    /// <summary>The month <paramref name="n"/> months before the epoch's month (in Shanghai).</summary>
    public static Month MonthsAgo(int n) => ThisMonth.Plus(-n);

    /// <summary>
    /// 1 January ten years before the epoch, 00:00 in Shanghai, for data "effective since long ago".
    /// </summary>
    public static string LongAgo => Iso(new LocalDate(Today.Year - 10, 1, 1).AtStartOfDayInZone(Shanghai).ToInstant(), Shanghai);

    /// <summary>
    /// An instant after any epoch the suite runs at (epochs from 2001 to 2098), for "valid until long
    /// after" data; a constant, so attributes can use it.
    /// </summary>
    public const string FarAhead = "2099-01-01T00:00:00Z", FarAheadWithOffset = "2099-01-01T08:00:00+08:00";

    /// <summary>
    /// Instants before any epoch the suite runs at, for inputs whose year does not matter (the forms
    /// an instant is read in, "must be in the future"); constants, so attributes can use them.
    /// </summary>
    public const string LongBefore = "2000-01-01T00:00:00Z", LongBeforeWithOffset = "2000-01-01T08:00:00+08:00",
        LongBeforeWithoutOffset = "2000-01-01T00:00:00", LongBeforeNextDay = "2000-01-02T00:00:00Z",
        LongBeforeNextMonth = "2000-02-01T00:00:00Z", LongBeforePreviousMonth = "1999-12-01T00:00:00Z";

    /// <summary>An instant years before the epoch, for "already in the past" data.</summary>
    public static string YearsAgo(int years) => Utc(Start.InUtc().LocalDateTime.PlusYears(-years).InUtc().ToInstant());

    /// <summary>RFC 3339 with Z: 2026-06-01T00:00:00Z.</summary>
    public static string Utc(Instant at) => InstantPattern.ExtendedIso.Format(at);

    public static string Utc(DateTimeOffset at) => Utc(Instant.FromDateTimeOffset(at));

    /// <summary>RFC 3339 with the zone's offset: 2026-06-01T08:00:00+08:00.</summary>
    public static string Iso(Instant at, DateTimeZone zone) =>
        OffsetDateTimePattern.Rfc3339.Format(at.InZone(zone).ToOffsetDateTime());

    private static YearMonth YearMonth(LocalDate date) => new(date.Year, date.Month);

    private static Instant Read()
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text)) return Default;
        var parsed = InstantPattern.ExtendedIso.Parse(text.Trim());
        return parsed.Success
            ? parsed.Value
            : throw new InvalidOperationException($"{Variable}={text} is not an RFC 3339 instant with Z, such as {Utc(Default)}");
    }

    /// <summary>A calendar month in Shanghai, relative to the epoch.</summary>
    public readonly record struct Month(YearMonth Value)
    {
        public Month Plus(int months) => new(Value.PlusMonths(months));

        public Month Next => Plus(1);

        public Month Previous => Plus(-1);

        /// <summary>The billing period's name: 2026-06.</summary>
        public string Period => Value.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        public int Year => Value.Year;

        /// <summary>The quarter the month is in, as a quarterly period is named: 2026-Q2.</summary>
        public string Quarter => $"{Value.Year:D4}-Q{(Value.Month - 1) / 3 + 1}";

        public bool InSameQuarterAs(Month other) => Quarter == other.Quarter;

        /// <summary>The number of days in the month.</summary>
        public int Days => Value.Calendar.GetDaysInMonth(Value.Year, Value.Month);

        public LocalDate Date(int day) => Value.OnDayOfMonth(day);

        /// <summary>That moment of the month in Shanghai, as a client sends it (+08:00).</summary>
        public DateTimeOffset At(int day, int hour = 0, int minute = 0, int second = 0, int millisecond = 0) =>
            new(Value.Year, Value.Month, day, hour, minute, second, millisecond, TimeSpan.FromHours(8));

        /// <summary>The first moment of the month in Shanghai.</summary>
        public DateTimeOffset Start => At(1);

        /// <summary>The last millisecond of the month in Shanghai.</summary>
        public DateTimeOffset LastMoment => Next.Start.AddMilliseconds(-1);

        /// <summary>The first moment of the month in Shanghai as RFC 3339 (+08:00).</summary>
        public string StartIso => Start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

        /// <summary>The first moment of the month in Shanghai as RFC 3339 in UTC (Z).</summary>
        public string StartUtc => Utc(Start);

        /// <summary>That moment of the month in Shanghai as RFC 3339 (+08:00).</summary>
        public string IsoAt(int day, int hour = 0, int minute = 0, int second = 0) =>
            At(day, hour, minute, second).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

        /// <summary>That moment of the month's calendar in UTC, as RFC 3339 with Z.</summary>
        public string UtcAt(int day, int hour = 0, int minute = 0, int second = 0) =>
            Utc(new DateTimeOffset(Value.Year, Value.Month, day, hour, minute, second, TimeSpan.Zero));

        /// <summary>A date of the month as a statement row writes it: 2026-06-01.</summary>
        public string Day(int day) => Date(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        public override string ToString() => Period;
    }
}
