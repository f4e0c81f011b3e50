using NodaTime;
using Shouldly;
using TokenLedger.Prepayment.GettingExposure;

namespace TokenLedger.Tests.Prepayment;

public sealed class computing_exposure
{
    private static readonly Instant AsOf = Instant.FromUtc(2026, 7, 10, 0, 0);

    private static ExposureReport Compute(decimal deposits, decimal consumed, DrawnUsage[] usage, params BilledInvoice[] invoices) =>
        Exposure.Compute("d", AsOf, "CNY", deposits, consumed, usage, invoices.ToDictionary(i => i.InvoiceId));

    [Fact]
    public void unbilled_usage_counts_in_full_and_billed_usage_in_the_open_share_of_its_invoice()
    {
        var report = Compute(1000m, 600m,
            [new("a", null, "0-30", 100m), new("a", "inv-a", "31-60", 300m), new("b", "inv-b", "31-60", 200m)],
            new BilledInvoice("inv-a", AsOf - Duration.FromDays(5), 600m, 150m), // a quarter still open
            new BilledInvoice("inv-b", AsOf - Duration.FromDays(5), 400m, 0m));  // paid

        (report.NotYetBilled, report.BilledUnpaid, report.Unrecovered, report.PrepaidConsumed, report.Exposure).ShouldBe((100m, 75m, 175m, 600m, 175m));
        report.ByTenant.Select(t => (t.TenantId, t.Exposure)).ShouldBe([("a", 175m), ("b", 0m)]);
        report.ByAge.Select(a => a.Exposure).ShouldBe([100m, 75m, 0m, 0m]);
    }

    [Fact]
    public void exposure_is_capped_by_the_cash_paid_upstream_that_usage_consumed()
    {
        var report = Compute(90m, 300m, [new("a", null, "0-30", 200m), new("b", null, "61-90", 100m)]);

        report.PrepaidConsumed.ShouldBe(90m);
        report.Exposure.ShouldBe(90m);
        report.ByTenant.Select(t => t.Exposure).ShouldBe([60m, 30m]);
        report.ByAge.Select(a => a.Exposure).Sum().ShouldBe(90m);
    }

    [Fact]
    public void an_invoice_issued_after_the_as_of_instant_still_counts_as_not_yet_billed()
    {
        var report = Compute(1000m, 50m, [new("a", "inv", "0-30", 50m)], new BilledInvoice("inv", AsOf + Duration.FromHours(1), 50m, 0m));
        (report.NotYetBilled, report.Exposure).ShouldBe((50m, 50m));
    }

    [Fact]
    public void apportioned_rows_sum_to_the_rounded_total()
    {
        Exposure.Apportion(100m, [1m, 1m, 1m], 2).ShouldBe([33.34m, 33.33m, 33.33m]);
        Exposure.Apportion(0.05m, [2m, 1m], 2).Sum().ShouldBe(0.05m);
        Exposure.Apportion(10m, [0m, 0m], 2).ShouldBe([0m, 0m]);
    }

    [Theory]
    [InlineData(0, "0-30")]
    [InlineData(30, "0-30")]
    [InlineData(31, "31-60")]
    [InlineData(90, "61-90")]
    [InlineData(91, "91+")]
    public void age_buckets_have_inclusive_day_bounds(long days, string bucket) => Exposure.AgeBucket(days).ShouldBe(bucket);
}
