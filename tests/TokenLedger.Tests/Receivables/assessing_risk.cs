using NodaTime;
using Shouldly;
using TokenLedger.Receivables;
using TokenLedger.Receivables.AssessingRisk;
using TokenLedger.Receivables.GettingReceivables;

namespace TokenLedger.Tests.Receivables;

public sealed class assessing_risk
{
    private static readonly Instant AsOf = Instant.FromUtc(2026, 10, 1, 0, 0);
    private static readonly LocalDate Today = new(2026, 10, 1);

    private static InvoiceStanding Open(string tenant, decimal open, int daysPastDue) =>
        new(tenant, $"{tenant}-{daysPastDue}", "CNY", Today.PlusDays(-daysPastDue - 30), Today.PlusDays(-daysPastDue), AsOf - Duration.FromDays(200), open, 0, 0, open);

    private static RiskFacts Facts(IReadOnlyList<InvoiceStanding> open, decimal? limit = null,
        (decimal?, decimal?) delays = default, decimal invoicedYear = 0m) =>
        new(new ReceivablesFacts(AsOf, open, new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), new Dictionary<string, decimal?> { ["acme"] = limit, ["beta"] = null },
                new[] { "acme", "beta" }.Select(t => new TenantTerms(t, "CNY", DateTimeZone.Utc)).ToDictionary(t => t.TenantId)),
            new Dictionary<string, (decimal?, decimal?)> { ["acme"] = delays }, new Dictionary<string, decimal> { ["acme"] = invoicedYear });

    [Fact]
    public void provision_is_each_bucket_times_its_loss_rate_hand_computed()
    {
        // current 1000 × 0.5% + 1–30 500 × 2% + 31–60 200 × 10% + 61–90 100 × 25% + 90+ 80 × 50% = 5 + 10 + 20 + 25 + 40 = 100
        var facts = Facts([Open("acme", 1000m, 0), Open("acme", 500m, 30), Open("acme", 200m, 31), Open("acme", 100m, 90), Open("acme", 80m, 91), Open("beta", 10m, 45)]);

        var report = RiskAssessment.Build(facts, new RiskOptions(), 1, 100);

        report.Tenants.Select(t => t.TenantId).ShouldBe(["acme", "beta"]);
        report.Tenants.Single(t => t.TenantId == "acme").Provision.ShouldBe(100m);
        report.Tenants.Single(t => t.TenantId == "beta").Provision.ShouldBe(1m);
        var total = report.Totals.ShouldHaveSingleItem();
        (total.Open, total.Provision).ShouldBe((1890m, 101m));
        total.ProvisionByBucket.ShouldBe(new AgingBuckets(5m, 10m, 21m, 25m, 40m));
    }

    [Fact]
    public void loss_rates_are_configurable()
    {
        var options = new RiskOptions { LossRateCurrent = 0m, LossRateOver90 = 1m };

        RiskAssessment.Build(Facts([Open("acme", 1000m, 0), Open("acme", 80m, 120)]), options, 1, 10).Totals[0].Provision.ShouldBe(80m);
    }

    [Fact]
    public void each_input_shows_its_value_factor_and_contribution_and_they_sum_to_the_score()
    {
        // 45 days past due → 0.5 × 40 = 20; trend 12 − 3 = 9 days → 0.3 × 20 = 6; 600 of 1000 limit → 0.6 × 20 = 12;
        // open 600 vs 1200/12 = 100 a month → ratio 6 → factor 1 → 20. Score 58: high.
        var risk = RiskAssessment.Build(Facts([Open("acme", 600m, 45)], limit: 1000m, delays: (12m, 3m), invoicedYear: 1200m), new RiskOptions(), 1, 10)
            .Tenants.Single(t => t.TenantId == "acme");

        risk.Inputs.Select(i => (i.Name, i.Value, i.Factor, i.Contribution)).ShouldBe(
        [
            ("daysPastDue", 45m, 0.5m, 20m), ("paymentDelayTrend", 9m, 0.3m, 6m), ("creditUtilisation", 0.6m, 0.6m, 12m), ("exposureVsHistory", 6m, 1m, 20m),
        ]);
        (risk.Score, risk.Rating).ShouldBe((58m, "high"));
    }

    [Fact]
    public void a_tenant_paying_on_time_within_its_limit_and_history_scores_low()
    {
        var risk = RiskAssessment.Build(Facts([Open("acme", 100m, 0)], limit: 1000m, delays: (0m, 2m), invoicedYear: 1200m), new RiskOptions(), 1, 10)
            .Tenants.Single(t => t.TenantId == "acme");

        (risk.Score, risk.Rating).ShouldBe((2m, "low"));
    }
}
