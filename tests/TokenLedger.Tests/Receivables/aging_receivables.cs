using NodaTime;
using Shouldly;
using TokenLedger.Receivables;
using TokenLedger.Receivables.GettingReceivables;

namespace TokenLedger.Tests.Receivables;

public sealed class aging_receivables
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [Theory]
    [InlineData(-5, Aging.Current)]
    [InlineData(0, Aging.Current)]
    [InlineData(1, Aging.Days1To30)]
    [InlineData(30, Aging.Days1To30)]
    [InlineData(31, Aging.Days31To60)]
    [InlineData(60, Aging.Days31To60)]
    [InlineData(61, Aging.Days61To90)]
    [InlineData(90, Aging.Days61To90)]
    [InlineData(91, Aging.Over90)]
    public void buckets_have_inclusive_upper_bounds(int daysPastDue, string bucket) => Aging.Bucket(daysPastDue).ShouldBe(bucket);

    [Fact]
    public void aging_puts_each_open_invoice_in_the_bucket_of_its_days_past_due()
    {
        var asOf = Instant.FromUtc(2026, 10, 1, 0, 0);
        var today = asOf.InZone(Shanghai).Date;
        int[] days = [-5, 0, 1, 30, 31, 60, 61, 90, 91, 400];
        var open = days.Select((d, i) => new InvoiceStanding("t", $"n{i}", "CNY", today, today.PlusDays(-d), asOf, 1m + i, 0, 0, 1m + i)).ToList();

        var aged = Aging.Age(open, asOf, Shanghai);

        var expected = open.Aggregate(AgingBuckets.Zero, (sum, i) => sum.Plus(Aging.Of(Aging.Bucket(Aging.DaysPastDue(i.DueDate, asOf, Shanghai)), i.Open)));
        aged.ShouldBe(expected);
        (aged.Current, aged.Days1To30, aged.Days31To60, aged.Days61To90, aged.Over90).ShouldBe((3m, 7m, 11m, 15m, 19m));
    }

    [Fact]
    public void days_past_due_turn_at_midnight_in_the_tenants_zone()
    {
        var due = new LocalDate(2026, 7, 1);

        Aging.DaysPastDue(due, Instant.FromUtc(2026, 7, 1, 15, 59, 59), Shanghai).ShouldBe(0);
        Aging.DaysPastDue(due, Instant.FromUtc(2026, 7, 1, 16, 0), Shanghai).ShouldBe(1);
        Aging.DaysPastDue(due, Instant.FromUtc(2026, 7, 1, 16, 0), DateTimeZoneProviders.Tzdb["America/New_York"]).ShouldBe(0);
    }

    [Fact]
    public void dso_is_open_over_the_last_90_days_invoicing_times_90()
    {
        ReceivablesReport.Dso(300m, 900m).ShouldBe(30m);
        ReceivablesReport.Dso(100m, 300m).ShouldBe(30m);
        ReceivablesReport.Dso(1m, 7m).ShouldBe(12.9m);
        ReceivablesReport.Dso(50m, 0m).ShouldBeNull();
    }

    [Fact]
    public void the_report_totals_every_tenant_per_currency_and_pages_largest_first()
    {
        var asOf = Instant.FromUtc(2026, 10, 1, 0, 0);
        InvoiceStanding Open(string tenant, decimal open, LocalDate due, string currency = "CNY") =>
            new(tenant, $"{tenant}-{due}", currency, due.PlusDays(-30), due, asOf - Duration.FromDays(40), open, 0, 0, open);
        var facts = new ReceivablesFacts(asOf,
            [Open("a", 10m, new LocalDate(2026, 9, 1)), Open("b", 50m, new LocalDate(2026, 10, 5)), Open("b", 5m, new LocalDate(2026, 6, 1)), Open("u", 7m, new LocalDate(2026, 9, 20), "USD")],
            new Dictionary<string, decimal> { ["a"] = 30m, ["b"] = 55m },
            new Dictionary<string, decimal> { ["CNY"] = 105m },
            new Dictionary<string, decimal?> { ["b"] = 110m, ["a"] = null },
            new[] { "a", "b" }.Select(t => new TenantTerms(t, "CNY", DateTimeZone.Utc)).Append(new TenantTerms("u", "USD", DateTimeZone.Utc)).ToDictionary(t => t.TenantId));

        var report = ReceivablesReport.Build(facts, page: 1, pageSize: 2);

        report.TenantCount.ShouldBe(3);
        report.Tenants.Select(t => t.TenantId).ShouldBe(["b", "a"]);
        var b = report.Tenants[0];
        (b.Open, b.Aging.Current, b.Aging.Over90, b.UtilisationPercent, b.DsoDays).ShouldBe((55m, 50m, 5m, 50m, 90m));
        var cny = report.Totals.Single(t => t.Currency == "CNY");
        (cny.Tenants, cny.Open, cny.Invoiced90Days, cny.DsoDays, cny.Aging.Days1To30).ShouldBe((2, 65m, 105m, 55.7m, 10m));
        report.Totals.Single(t => t.Currency == "USD").Open.ShouldBe(7m);
    }
}
