using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Receivables.ReceivablesScenario;

namespace TokenLedger.IntegrationTests.Receivables;

/// <summary>On the pinned-clock service (<see cref="PinnedClockLedgerFixture"/>): its dates are relative to the test epoch.</summary>
[Collection(PinnedClockCollection.Name)]
public sealed class reading_receivables(PinnedClockLedgerFixture fixture)
{
    private static readonly Instant June1 = Instant.FromDateTimeOffset(Epoch.MonthsAgo(3).Start);
    private static readonly Epoch.Month July = Epoch.MonthsAgo(2);

    private async Task<JsonElement> ReportAsync(string tenant, Instant? asOf = null, string extra = "")
    {
        var at = asOf is null ? "" : $"&asOf={asOf}";
        var response = await fixture.Operator.GetAsync($"/api/finance/receivables?tenant={tenant}{at}{extra}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private static (decimal Current, decimal D1, decimal D31, decimal D61, decimal D90) Buckets(JsonElement report)
    {
        var aging = report.GetProperty("tenants")[0].GetProperty("aging");
        return (aging.GetProperty("current").GetDecimal(), aging.GetProperty("days1To30").GetDecimal(), aging.GetProperty("days31To60").GetDecimal(),
            aging.GetProperty("days61To90").GetDecimal(), aging.GetProperty("over90").GetDecimal());
    }

    [Fact]
    public async Task invoices_fall_into_buckets_by_days_past_due_counted_in_the_tenants_zone()
    {
        var tenant = await TenantAsync(fixture, "aging", "Asia/Shanghai");
        // Midnight of the 1st of the epoch's month in Shanghai; invoice amounts are powers of two so each bucket's sum names its invoices.
        var october1 = Epoch.ThisMonth.Date(1);
        var asOf = october1.AtStartOfDayInZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToInstant();
        int[] daysPastDue = [0, 1, 30, 31, 60, 61, 90, 91];
        for (var i = 0; i < daysPastDue.Length; i++)
            await InvoiceAsync(fixture, tenant, $"P{i}", 1 << i, october1.PlusDays(-daysPastDue[i]), June1);
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = 1000 })).EnsureSuccessStatusCode();

        var atMidnight = await ReportAsync(tenant, asOf);
        var secondBefore = await ReportAsync(tenant, asOf - Duration.FromSeconds(1));

        Buckets(atMidnight).ShouldBe((1m, 2m + 4m, 8m + 16m, 32m + 64m, 128m));
        Buckets(secondBefore).ShouldBe((1m + 2m, 4m + 8m, 16m + 32m, 64m + 128m, 0m));
        atMidnight.GetProperty("tenants")[0].GetProperty("open").GetDecimal().ShouldBe(255m);
        // The credit limit was set today: on the 1st there was none; now open 255 uses 25.5% of it.
        atMidnight.GetProperty("tenants")[0].GetProperty("creditLimit").ValueKind.ShouldBe(JsonValueKind.Null);
        var row = (await ReportAsync(tenant)).GetProperty("tenants")[0];
        row.GetProperty("creditLimit").GetDecimal().ShouldBe(1000m);
        row.GetProperty("utilisationPercent").GetDecimal().ShouldBe(25.5m);
        var total = atMidnight.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("currency").GetString() == "CNY");
        total.GetProperty("open").GetDecimal().ShouldBe(255m);
    }

    [Fact]
    public async Task the_same_instant_is_a_different_day_in_another_zone()
    {
        var tenant = await TenantAsync(fixture, "agingny", "America/New_York");
        await InvoiceAsync(fixture, tenant, "6", 10m, July.Date(1), June1);
        // 00:00 on 2 July in Shanghai is still 1 July (noon) in New York: not yet past due there.
        var report = await ReportAsync(tenant, Instant.FromDateTimeOffset(July.At(2)));

        Buckets(report).ShouldBe((10m, 0m, 0m, 0m, 0m));
    }

    [Fact]
    public async Task receivables_as_of_last_month_equal_what_was_reported_then()
    {
        var tenant = await TenantAsync(fixture, "travel");
        var now = fixture.Now;
        var lastMonth = now - Duration.FromDays(30);
        var today = now.InUtc().Date;
        await InvoiceAsync(fixture, tenant, "A", 100m, today.PlusDays(-50), now - Duration.FromDays(80));
        await InvoiceAsync(fixture, tenant, "B", 200m, today.PlusDays(-20), now - Duration.FromDays(50));
        var reportedThen = (await ReportAsync(tenant, lastMonth)).GetRawText();
        var csvThen = await fixture.Operator.GetStringAsync($"/api/finance/receivables?tenant={tenant}&asOf={lastMonth}&format=csv");

        // Since then: a payment received before last month but recorded only now, another payment, a write-off.
        (await PayAsync(fixture, tenant, 60m, "LATE-RECORDED", receivedAt: lastMonth.ToDateTimeOffset().AddDays(-5))).EnsureSuccessStatusCode();
        fixture.FakeClock.Advance(Duration.FromMinutes(1));
        var midway = fixture.Now;
        var reportedMidway = (await ReportAsync(tenant, midway)).GetRawText();
        var standingMidway = (await StandingAsync(fixture, tenant, midway))[$"{tenant}-A"];
        fixture.FakeClock.Advance(Duration.FromMinutes(1));
        (await PayAsync(fixture, tenant, 150m, "RECENT")).EnsureSuccessStatusCode();
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/write-offs", new { invoiceNumber = $"{tenant}-B", amount = 10m, reason = "goodwill" })).EnsureSuccessStatusCode();

        (await ReportAsync(tenant, lastMonth)).GetRawText().ShouldBe(reportedThen);
        // Invoice A was paid 60 before midway and 40 after: as of midway it still shows 60 paid, 40 open.
        (await ReportAsync(tenant, midway)).GetRawText().ShouldBe(reportedMidway);
        (standingMidway.Paid, standingMidway.Open).ShouldBe((60m, 40m));
        var standingNow = (await StandingAsync(fixture, tenant, midway))[$"{tenant}-A"];
        (standingNow.Paid, standingNow.Open).ShouldBe((60m, 40m));
        (await StandingAsync(fixture, tenant))[$"{tenant}-A"].Open.ShouldBe(0m);
        (await fixture.Operator.GetStringAsync($"/api/finance/receivables?tenant={tenant}&asOf={lastMonth}&format=csv")).ShouldBe(csvThen);
        JsonDocument.Parse(reportedThen).RootElement.GetProperty("tenants")[0].GetProperty("open").GetDecimal().ShouldBe(300m);
        (await ReportAsync(tenant)).GetProperty("tenants")[0].GetProperty("open").GetDecimal().ShouldBe(300m - 60m - 150m - 10m);
    }

    [Fact]
    public async Task csv_is_served_for_accept_text_csv_and_bad_queries_get_400()
    {
        var tenant = await TenantAsync(fixture, "csv");
        // Due 100 days before the epoch: over 90 days past due.
        await InvoiceAsync(fixture, tenant, "6", 12.5m, Epoch.Today.PlusDays(-100), Instant.FromDateTimeOffset(Epoch.MonthsAgo(5).Start));
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/finance/receivables?tenant={tenant}");
        request.Headers.Accept.ParseAdd("text/csv");

        var response = await fixture.Operator.SendAsync(request);

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await response.Content.ReadAsStringAsync()).Trim().Split('\n');
        lines[0].ShouldStartWith("tenant_id,currency,open,current,days_1_30");
        lines[1].ShouldStartWith($"{tenant},CNY,12.5,0,0,0,0,12.5,");
        (await fixture.Operator.GetAsync("/api/finance/receivables?asOf=yesterday")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await fixture.Operator.GetAsync($"/api/finance/receivables?asOf={Epoch.Utc(fixture.Now + Duration.FromDays(1))}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await fixture.Operator.GetAsync("/api/finance/receivables?pageSize=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var tenantKey = await fixture.TenantClientAsync(tenant);
        (await tenantKey.GetAsync("/api/finance/receivables")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
