using System.Net;
using NodaTime;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Receivables.ReceivablesScenario;

namespace TokenLedger.IntegrationTests.Receivables;

/// <summary>On the pinned-clock service (<see cref="PinnedClockLedgerFixture"/>): its dates are relative to the test epoch.</summary>
[Collection(PinnedClockCollection.Name)]
public sealed class assessing_risk(PinnedClockLedgerFixture fixture)
{
    [Fact]
    public async Task the_provision_matches_a_hand_computed_example_and_the_score_explains_itself()
    {
        var tenant = await TenantAsync(fixture, "risk", "Asia/Shanghai");
        var october1 = Epoch.ThisMonth.Date(1);
        var asOf = october1.AtStartOfDayInZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToInstant();
        var issued = Instant.FromDateTimeOffset(Epoch.MonthsAgo(5).Start);
        (int Days, decimal Amount)[] open = [(0, 1000m), (30, 500m), (31, 200m), (90, 100m), (91, 80m)];
        for (var i = 0; i < open.Length; i++) await InvoiceAsync(fixture, tenant, $"R{i}", open[i].Amount, october1.PlusDays(-open[i].Days), issued);

        var response = await fixture.Operator.GetAsync($"/api/finance/risk?tenant={tenant}&asOf={asOf}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var report = await response.JsonAsync();
        // 1000 × 0.5% + 500 × 2% + 200 × 10% + 100 × 25% + 80 × 50% = 5 + 10 + 20 + 25 + 40
        var total = report.GetProperty("totals")[0];
        total.GetProperty("provision").GetDecimal().ShouldBe(100m);
        total.GetProperty("open").GetDecimal().ShouldBe(1880m);
        var row = report.GetProperty("tenants")[0];
        row.GetProperty("provision").GetDecimal().ShouldBe(100m);
        var inputs = row.GetProperty("inputs").EnumerateArray().ToList();
        inputs.Select(i => i.GetProperty("name").GetString()).ShouldBe(["daysPastDue", "paymentDelayTrend", "creditUtilisation", "exposureVsHistory"]);
        inputs[0].GetProperty("value").GetDecimal().ShouldBe(91m);
        inputs[0].GetProperty("contribution").GetDecimal().ShouldBe(40m);
        row.GetProperty("score").GetDecimal().ShouldBe(inputs.Sum(i => i.GetProperty("contribution").GetDecimal()));
        report.GetProperty("lossRates").GetProperty("over90").GetDecimal().ShouldBe(0.5m);
    }
}
