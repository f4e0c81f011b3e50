using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Invoicing;

namespace TokenLedger.Tests.Invoicing;

public class building_invoices
{
    private static readonly Interval June = Span("2026-06").In(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]);

    private static PeriodSpan Span(string text) => PeriodSpan.TryParse(text, out var span) ? span : throw new ArgumentException(text);

    [Theory]
    [InlineData("CNY", 2)]
    [InlineData("JPY", 0)]
    public void lines_always_sum_exactly_to_the_totals(string currency, int minorUnits)
    {
        var random = new Random(20260630 + minorUnits);
        for (var n = 0; n < 500; n++)
        {
            var usage = Enumerable.Range(0, random.Next(0, 12)).Select(i => new UsageGroup(
                new UsageLineKey($"model-{random.Next(3)}", InvoiceBuilder.TokenClasses[random.Next(4)], "book", 1 + random.Next(2), random.Next(2), null),
                random.Next(0, 5_000_000), Unrounded(random))).ToList();
            var charges = Enumerable.Range(0, random.Next(0, 5))
                .Select(i => new AccountCharge(InvoiceLineKinds.Credits, $"c{i}", random.Next(2) == 0 ? -Unrounded(random) : Unrounded(random))).ToList();
            var rate = random.Next(0, 2000) / 100m;

            var figures = InvoiceBuilder.Build(new PeriodActivity(usage, charges, Unrounded(random)), currency, rate);

            figures.Lines.Sum(l => l.Amount).ShouldBe(figures.Subtotal);
            figures.Lines.Sum(l => l.TaxAmount).ShouldBe(figures.TaxTotal);
            figures.Total.ShouldBe(figures.Subtotal + figures.TaxTotal);
            figures.AmountDue.ShouldBe(Math.Max(0m, figures.Total - figures.PrepaidApplied));
            foreach (var line in figures.Lines)
            {
                line.Amount.ShouldBe(Math.Round(line.Unrounded, minorUnits, MidpointRounding.AwayFromZero));
                line.TaxAmount.ShouldBe(Math.Round(line.Amount * rate / 100m, minorUnits, MidpointRounding.AwayFromZero));
                decimal.Round(line.Amount, minorUnits).ShouldBe(line.Amount);
            }
            figures.Lines.Count.ShouldBe(usage.Count(u => u.Quantity != 0) + charges.Count);
            figures.Lines.Select(l => l.Number).ShouldBe(Enumerable.Range(1, figures.Lines.Count));
        }
    }

    [Fact]
    public void a_usage_line_is_rounded_once_from_its_unrounded_sum_and_shows_its_unit_price_per_million()
    {
        var key = new UsageLineKey("deepseek-v4-pro", "output", "retail-cn", 2, 0, null);
        var figures = InvoiceBuilder.Build(new PeriodActivity([new UsageGroup(key, 333_333, 0.999999m), new UsageGroup(key with { TokenClass = "input" }, 0, 0m)], [], 0m), "CNY", 6m);

        var line = figures.Lines.ShouldHaveSingleItem();
        line.Amount.ShouldBe(1.00m);
        line.TaxAmount.ShouldBe(0.06m);
        line.UnitPricePerMillion.ShouldBe(3.000000m);
        line.Usage.ShouldBe(key);
        figures.Total.ShouldBe(1.06m);
    }

    [Fact]
    public void account_activity_bills_the_periods_fees_and_packages_and_deducts_what_plans_packages_and_credits_paid_for_the_billed_usage()
    {
        var inJune = Instant.FromUtc(2026, 6, 10, 0, 0);
        var inJuly = Instant.FromUtc(2026, 6, 30, 16, 0);
        object[] events =
        [
            new SubscriptionFeeCharged("t", "coder", 0, "intro", 9.9m, inJune, [new Allocation(FundingSources.Wallet, null, 9.9m)]),
            new SubscriptionFeeCharged("t", "coder", 1, "monthly", 40m, inJuly, []),
            new TokenPackagePurchased("t", "p1", "Pack", 100, [], new Dictionary<string, decimal>(), 19.9m, "CNY", inJune, inJuly, inJune),
            new UsageFunded("t", "b1",
            [
                new FundedUsage("e1", inJune, "m", 5m, 5, "coder", [new Allocation(FundingSources.Plan, "coder", 5m)], []),
                new FundedUsage("e2", inJune, "m", 7m, 7, null,
                    [new Allocation(FundingSources.Package, "p1", 2m), new Allocation(FundingSources.Credit, "g1", 3m), new Allocation(FundingSources.Wallet, null, 1.5m), new Allocation(FundingSources.Postpaid, null, 0.5m)], []),
                new FundedUsage("e3", inJuly, "m", 11m, 11, null, [new Allocation(FundingSources.Credit, "g1", 11m)], []),
            ]),
        ];

        var billed = new HashSet<string> { "e1", "e2", "late-from-may" };
        var (charges, prepaid) = AccountActivity.In(events, June, billed);

        charges.Select(c => (c.Kind, c.Description, c.Unrounded)).ShouldBe(
        [
            (InvoiceLineKinds.SubscriptionFee, "Plan coder fee (intro, period 1)", 9.9m),
            (InvoiceLineKinds.TokenPackage, "Token package Pack (p1)", 19.9m),
            (InvoiceLineKinds.CoveredByPlan, "Covered by plan coder", -5m),
            (InvoiceLineKinds.DrawnFromPackage, "Drawn from token package p1", -2m),
            (InvoiceLineKinds.Credits, "Promotional credits applied", -3m),
        ]);
        prepaid.ShouldBe(11.4m);
        AccountActivity.FundedEvents(events, billed).ShouldBe(2);
    }

    [Fact]
    public void the_last_millisecond_of_june_in_shanghai_is_in_june_and_midnight_of_july_first_is_in_july()
    {
        var shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var lastMillisecond = Instant.FromDateTimeOffset(DateTimeOffset.Parse("2026-06-30T23:59:59.999+08:00"));
        var julyFirst = Instant.FromDateTimeOffset(DateTimeOffset.Parse("2026-07-01T00:00:00+08:00"));

        julyFirst.ShouldBe(Instant.FromUtc(2026, 6, 30, 16, 0));
        June.Contains(lastMillisecond).ShouldBeTrue();
        June.Contains(julyFirst).ShouldBeFalse();
        Span("2026-07").In(shanghai).Contains(julyFirst).ShouldBeTrue();
        PeriodSpan.Containing(lastMillisecond.InZone(shanghai).Date, Cadences.Monthly).Text.ShouldBe("2026-06");
        PeriodSpan.Containing(julyFirst.InZone(shanghai).Date, Cadences.Monthly).Text.ShouldBe("2026-07");
        June.Start.ShouldBe(Instant.FromUtc(2026, 5, 31, 16, 0));
    }

    [Theory]
    [InlineData("2026-06", "2026-06-01", "2026-07-01")]
    [InlineData("2026-Q2", "2026-04-01", "2026-07-01")]
    [InlineData("2026-Q4", "2026-10-01", "2027-01-01")]
    [InlineData("2026-W01", "2025-12-29", "2026-01-05")]
    [InlineData("2026-W53", "2026-12-28", "2027-01-04")]
    public void a_period_is_a_month_a_quarter_or_an_iso_week(string text, string start, string end)
    {
        var span = Span(text);
        (span.Start.ToString("yyyy-MM-dd", null), span.End.ToString("yyyy-MM-dd", null)).ShouldBe((start, end));
        PeriodSpan.Containing(span.Start, span.Cadence).ShouldBe(span);
        PeriodSpan.Containing(span.End.PlusDays(-1), span.Cadence).ShouldBe(span);
        span.Previous().End.ShouldBe(span.Start);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-6")]
    [InlineData("June")]
    [InlineData("1999-12")]
    [InlineData("2026-Q5")]
    [InlineData("2025-W53")]
    public void other_period_texts_are_refused(string text) => PeriodSpan.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void invoice_numbers_are_the_year_and_six_digits() => InvoiceNumbers.Format(2026, 42).ShouldBe("TL-2026-000042");

    private static decimal Unrounded(Random random) =>
        Math.Round((decimal)random.NextDouble() * random.Next(1, 100_000), random.Next(0, 13));
}
