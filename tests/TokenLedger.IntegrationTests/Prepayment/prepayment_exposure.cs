using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;
using static TokenLedger.IntegrationTests.Prepayment.PrepaymentScenario;

namespace TokenLedger.IntegrationTests.Prepayment;

/// <summary>On the pinned-clock service (<see cref="PinnedClockLedgerFixture"/>): its dates are relative to the test epoch.</summary>
[Collection(PinnedClockCollection.Name)]
public sealed class prepayment_exposure(PinnedClockLedgerFixture fixture)
{
    /// <summary>"June": four months before the epoch, so its 10th is more than 90 days before it.</summary>
    private static readonly Epoch.Month June = Epoch.MonthsAgo(4);

    private static readonly DateTimeOffset MidJune = June.At(10, 12);

    private async Task<JsonElement> ExposureAsync(string distributor, DateTimeOffset asOf) =>
        await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/exposure?asOf={Uri.EscapeDataString(asOf.ToString("O"))}");

    /// <summary>An instant between what came before and what comes after: the pinned clock moves a minute on either side.</summary>
    private DateTimeOffset Instant()
    {
        fixture.FakeClock.Advance(NodaTime.Duration.FromMinutes(1));
        var now = fixture.Now.ToDateTimeOffset();
        fixture.FakeClock.Advance(NodaTime.Duration.FromMinutes(1));
        return now;
    }

    [Fact]
    public async Task exposure_before_billing_after_billing_and_after_a_partial_payment_as_the_ledger_knew_it_then()
    {
        var distributor = await DistributorAsync(fixture);
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "expo");
        (await fixture.Operator.PostAsJsonAsync($"/api/distributors/{distributor}/deposits",
            new { amount = 1000, currency = "CNY", paidAt = June.UtcAt(1), reference = "WIRE-1" })).EnsureSuccessStatusCode();
        await Eventually.Until(() => PrepaymentAsync(fixture, distributor), p => p.GetProperty("providers").GetArrayLength() == 1,
            TimeSpan.FromSeconds(60), "the deposit decided");

        // 400 tokens in June: 400 CNY retail (424 with tax), 200 CNY wholesale drawn from the deposit; 106 paid is a quarter.
        await PostUsageAsync(fixture, [UsageOf(tenant, 400, MidJune) with { DistributorId = distributor }]);
        await DrawnAsync(fixture, distributor, 200m);
        await FundedAsync(fixture, tenant, 1);
        var beforeBilling = Instant();

        var invoice = await (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = June.Period })).Content.ReadFromJsonAsync<JsonElement>();
        invoice.Dec("total").ShouldBe(424m); // 6% tax by default
        var billed = Instant();

        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/payments", new
        {
            amount = 106, currency = "CNY", receivedAt = fixture.Now.ToDateTimeOffset().ToString("O"), method = "bank-transfer", reference = $"PAY-{tenant}",
        })).EnsureSuccessStatusCode();
        var paidAQuarter = Instant();

        var first = await ExposureAsync(distributor, beforeBilling);
        (first.Dec("deposits"), first.Dec("consumed"), first.Dec("notYetBilled"), first.Dec("billedUnpaid"), first.Dec("exposure"))
            .ShouldBe((1000m, 200m, 200m, 0m, 200m));
        var second = await ExposureAsync(distributor, billed);
        (second.Dec("notYetBilled"), second.Dec("billedUnpaid"), second.Dec("exposure")).ShouldBe((0m, 200m, 200m));
        var third = await ExposureAsync(distributor, paidAQuarter);
        (third.Dec("billedUnpaid"), third.Dec("exposure")).ShouldBe((150m, 150m));
        third.GetProperty("byTenant")[0].GetProperty("tenantId").GetString().ShouldBe(tenant);
        third.GetProperty("byTenant")[0].Dec("exposure").ShouldBe(150m);
        // June 10 is more than 90 days before the epoch.
        third.GetProperty("byAge").EnumerateArray().Single(a => a.GetProperty("bucket").GetString() == "91+").Dec("exposure").ShouldBe(150m);

        var beforeDeposit = await ExposureAsync(distributor, June.Plus(-5).Start);
        (beforeDeposit.Dec("deposits"), beforeDeposit.Dec("exposure")).ShouldBe((0m, 0m));
        (await fixture.Operator.GetAsync($"/api/distributors/{distributor}/exposure?asOf=yesterday")).StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
    }
}
