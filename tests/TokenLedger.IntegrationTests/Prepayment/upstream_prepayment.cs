using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;
using static TokenLedger.IntegrationTests.Prepayment.PrepaymentScenario;

namespace TokenLedger.IntegrationTests.Prepayment;

[Collection(LedgerCollection.Name)]
public sealed class upstream_prepayment(LedgerFixture fixture)
{
    [Fact]
    public async Task wholesale_cost_of_rated_usage_draws_the_deposit_and_the_low_balance_signal_is_sent_once_then_recovers()
    {
        var distributor = await DistributorAsync(fixture);
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "pre");
        var queue = await fixture.Broker.BindSignalQueueAsync($"distributor.{distributor}.*");
        var deposit = new { provider = "", amount = 1000, currency = "CNY", paidAt = fixture.MonthsAgo(3).UtcAt(1), reference = "WIRE-1", requestId = "dep-1" };
        // 200 with the balances once the prepayment subscription has decided the deposit, 202 if it lags (a cold start).
        (await fixture.Operator.PostAsJsonAsync($"/api/distributors/{distributor}/deposits", deposit)).EnsureSuccessStatusCode();
        (await fixture.Operator.PostAsJsonAsync($"/api/distributors/{distributor}/deposits", deposit)).EnsureSuccessStatusCode();
        await Eventually.Until(() => PrepaymentAsync(fixture, distributor), p => p.GetProperty("providers").GetArrayLength() == 1,
            TimeSpan.FromSeconds(60), "the deposit decided");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}/prepayment/threshold", new { threshold = 300, currency = "CNY" })).EnsureSuccessStatusCode();

        // 1,000 + 400 + 300 tokens at 0.5 wholesale: 850 drawn, balance 150 after crossing 300 once.
        UsageEventV1Of(tenant, distributor, 1000, "deepseek", out var a);
        UsageEventV1Of(tenant, distributor, 400, "qwen", out var b);
        await PostUsageAsync(fixture, [a, b]);
        await DrawnAsync(fixture, distributor, 700m);
        UsageEventV1Of(tenant, distributor, 300, "deepseek", out var c);
        await PostUsageAsync(fixture, [c]);
        var drawn = await DrawnAsync(fixture, distributor, 850m);
        var general = drawn.GetProperty("providers")[0];
        (general.Dec("deposited"), general.Dec("drawn"), general.Dec("balance"), general.GetProperty("low").GetBoolean()).ShouldBe((1000m, 850m, 150m, true));

        (await fixture.Operator.PostAsJsonAsync($"/api/distributors/{distributor}/deposits",
            new { amount = 500, currency = "CNY", paidAt = fixture.MonthsAgo(3).UtcAt(2), reference = "WIRE-2" })).EnsureSuccessStatusCode();

        var signals = await SignalsAsync(queue, 2);
        signals.Select(s => s.Routing).ShouldBe([$"distributor.{distributor}.prepayment-low", $"distributor.{distributor}.prepayment-recovered"]);
        (signals[0].Body.Dec("balance"), signals[0].Body.Dec("threshold")).ShouldBe((300m - 500m + 350m, 300m));
        signals[1].Body.Dec("balance").ShouldBe(650m);
    }

    [Fact]
    public async Task bad_deposits_are_refused_with_reasons_and_other_distributors_keys_see_nothing()
    {
        var distributor = await DistributorAsync(fixture);
        var usd = await fixture.Operator.PostAsJsonAsync($"/api/distributors/{distributor}/deposits", new { amount = 10, currency = "USD", paidAt = fixture.MonthsAgo(3).UtcAt(1) });
        usd.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await usd.Content.ReadAsStringAsync()).ShouldContain("prepays in CNY, not USD");
        var zero = await fixture.Operator.PostAsJsonAsync($"/api/distributors/{distributor}/deposits", new { amount = 0, currency = "CNY" });
        zero.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var text = await zero.Content.ReadAsStringAsync();
        text.ShouldContain("amount must be greater than 0");
        text.ShouldContain("paidAt is required");
        // A field nothing reads is refused rather than silently dropped.
        var discount = await fixture.Operator.PostAsJsonAsync($"/api/distributors/{distributor}/deposits",
            new { amount = 10, currency = "CNY", paidAt = fixture.MonthsAgo(3).UtcAt(1), volumeDiscountPercent = 8 });
        discount.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await discount.Content.ReadAsStringAsync()).ShouldContain("volumeDiscountPercent");
        (await fixture.Operator.PostAsJsonAsync("/api/distributors/nobody-here/deposits", new { amount = 1, currency = "CNY", paidAt = fixture.MonthsAgo(3).UtcAt(1) }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var other = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "distributor", distributorId = "someone-else" });
        (await other.GetAsync($"/api/distributors/{distributor}/prepayment")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var own = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "distributor", distributorId = distributor });
        (await own.GetAsync($"/api/distributors/{distributor}/prepayment")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static void UsageEventV1Of(string tenant, string distributor, long tokens, string provider, out Contracts.Usage.UsageEventV1 usage) =>
        usage = UsageOf(tenant, tokens) with { DistributorId = distributor, Provider = provider };

    private async Task<List<(string Routing, JsonElement Body)>> SignalsAsync(string queue, int count)
    {
        var collected = new List<(string, JsonElement)>();
        await Eventually.Until(async () =>
        {
            collected.AddRange((await fixture.Broker.DrainAsync(queue)).Select(m => (m.RoutingKey, JsonDocument.Parse(Encoding.UTF8.GetString(m.Body.Span)).RootElement)));
            return collected.Count;
        }, n => n >= count, TimeSpan.FromSeconds(30), $"{count} signals");
        await Task.Delay(1500);
        collected.AddRange((await fixture.Broker.DrainAsync(queue)).Select(m => (m.RoutingKey, JsonDocument.Parse(Encoding.UTF8.GetString(m.Body.Span)).RootElement)));
        return collected;
    }
}
