using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Balances;

[Collection(LedgerCollection.Name)]
public sealed class funding_usage(LedgerFixture fixture)
{
    [Fact]
    public async Task credits_pay_first_then_the_wallet_then_postpaid_and_a_top_up_settles_postpaid()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 100, currency = "CNY", reference = "bank-1" })).EnsureSuccessStatusCode();
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/credits", new { amount = 30, currency = "CNY", expiresAt = Epoch.FarAhead, priority = 1, reason = "welcome" })).EnsureSuccessStatusCode();

        await PostUsageAsync(fixture, [UsageOf(tenant, 50)]);
        var afterFirst = await FundedAsync(fixture, tenant, 1);
        afterFirst.Dec("wallet").ShouldBe(80m);
        afterFirst.GetProperty("credits").GetArrayLength().ShouldBe(0);
        afterFirst.Dec("totals.creditsUsed").ShouldBe(30m);

        await PostUsageAsync(fixture, [UsageOf(tenant, 100)]);
        var afterSecond = await FundedAsync(fixture, tenant, 2);
        afterSecond.Dec("wallet").ShouldBe(0m);
        afterSecond.Dec("postpaid.unbilled").ShouldBe(20m);

        var topUp = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 50, currency = "CNY" });
        topUp.StatusCode.ShouldBe(HttpStatusCode.OK);
        var settled = await topUp.Content.ReadFromJsonAsync<JsonElement>();
        settled.Dec("postpaid.unbilled").ShouldBe(0m);
        settled.Dec("wallet").ShouldBe(30m);
    }

    [Fact]
    public async Task a_package_pays_the_classes_it_covers_at_its_own_conversion_and_the_rest_falls_through()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/packages", new
        {
            name = "Output pack", sizeTokens = 100, weights = new { output = 4 }, pricePaid = 9.9, currency = "CNY",
            validFrom = fixture.MonthsAgo(8).UtcAt(1), validTo = Epoch.FarAhead,
        })).EnsureSuccessStatusCode();

        // 40 output tokens need 160 package tokens; the package has 100, so it pays 100/160 of the output's 40.
        await PostUsageAsync(fixture, [UsageOf(tenant, input: 10, output: 40)]);
        var balance = await FundedAsync(fixture, tenant, 1);

        balance.GetProperty("packages").GetArrayLength().ShouldBe(0);
        balance.Dec("totals.packagesCovered").ShouldBe(25m);
        balance.Dec("postpaid.unbilled").ShouldBe(25m);
    }

    [Fact]
    public async Task usage_naming_an_unknown_plan_is_recorded_and_charged_pay_as_you_go_with_a_flag()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        await PostUsageAsync(fixture, [UsageOf(tenant, 7, planId: "no-such-plan")]);
        var balance = await FundedAsync(fixture, tenant, 1);
        balance.Dec("postpaid.unbilled").ShouldBe(7m);
        balance.GetProperty("totals").GetProperty("unknownPlanEvents").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task usage_rated_late_is_funded_once_when_its_price_appears_and_usage_rated_on_arrival_is_funded_as_before()
    {
        var book = await UnitPriceBookAsync(fixture);
        var tenant = await TenantAsync(fixture, book);
        await PostUsageAsync(fixture, [UsageOf(tenant, 5), UsageOf(tenant, 7) with { Model = "late-model" }]);
        (await FundedAsync(fixture, tenant, 1)).Dec("postpaid.unbilled").ShouldBe(5m);

        var unit = new { inputPerMillion = "1000000", cachedInputPerMillion = "1000000", cacheWritePerMillion = "1000000", outputPerMillion = "1000000" };
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{book}", new
        {
            currency = "CNY", effectiveFrom = Epoch.LongAgo,
            prices = new[] { Model, "late-model" }.Select(model => new { model, unit.inputPerMillion, unit.cachedInputPerMillion, unit.cacheWritePerMillion, unit.outputPerMillion }),
        })).EnsureSuccessStatusCode();
        (await FundedAsync(fixture, tenant, 2)).Dec("postpaid.unbilled").ShouldBe(12m);

        await PostUsageAsync(fixture, [UsageOf(tenant, 1)]);
        var after = await FundedAsync(fixture, tenant, 3);
        after.Dec("postpaid.unbilled").ShouldBe(13m);
        after.GetProperty("totals").GetProperty("fundedEvents").GetInt64().ShouldBe(3);
    }

    [Theory]
    [InlineData("top-ups", """{"amount":0,"currency":"CNY"}""", "amount must be greater than 0")]
    [InlineData("top-ups", """{"amount":-5,"currency":"CNY"}""", "amount must be greater than 0")]
    [InlineData("top-ups", """{"amount":5,"currency":"USD"}""", "billed in CNY, not USD")]
    [InlineData("packages", $$"""{"name":"p","sizeTokens":10,"pricePaid":1,"currency":"CNY","validFrom":"{{Epoch.FarAhead}}","validTo":"{{Epoch.FarAhead}}"}""", "the interval is empty")]
    [InlineData("credits", $$"""{"amount":5,"currency":"CNY","expiresAt":"{{Epoch.LongBefore}}","reason":"x"}""", "expiresAt must be in the future")]
    public async Task bad_account_commands_are_400s_with_the_reason(string path, string json, string reason)
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        var response = await fixture.Operator.PostAsync($"/api/tenants/{tenant}/{path}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain(reason);
    }

    [Fact]
    public async Task a_plan_without_caps_is_refused()
    {
        var response = await fixture.Operator.PutAsJsonAsync($"/api/plans/{LedgerFixture.NewTenantId("plan")}", new
        {
            name = "No caps", currency = "CNY", monthlyFee = 40, models = new[] { "*" }, caps = Array.Empty<object>(), overagePolicy = "block",
        });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("a plan needs at least one cap");
    }

    [Fact]
    public async Task concurrent_top_ups_and_usage_lose_no_update()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        var topUps = Enumerable.Range(0, 20).Select(i =>
            fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 10, currency = "CNY", requestId = $"r{i}" }));
        var usage = Enumerable.Range(0, 20).Select(_ => PostUsageAsync(fixture, [UsageOf(tenant, 3), UsageOf(tenant, 4)]));
        await Task.WhenAll(topUps.Cast<Task>().Concat(usage));
        // A retried request id records nothing new.
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 10, currency = "CNY", requestId = "r0" })).EnsureSuccessStatusCode();

        var balance = await FundedAsync(fixture, tenant, 40);
        await Eventually.Until(() => BalanceAsync(fixture, tenant), b => b.Dec("totals.toppedUp") == 200m, TimeSpan.FromSeconds(30));
        balance = await BalanceAsync(fixture, tenant);
        balance.Dec("totals.toppedUp").ShouldBe(200m);
        balance.Dec("totals.usageCharged").ShouldBe(140m);
        (balance.Dec("wallet") + balance.Dec("totals.walletUsed") + balance.Dec("totals.arrearsSettled")).ShouldBe(200m);
        (balance.Dec("totals.walletUsed") + balance.Dec("totals.postpaidCharged")).ShouldBe(140m);
        balance.Dec("wallet").ShouldBe(60m);
    }
}

[Collection(LedgerCollection.Name)]
public sealed class expiring_credit(LedgerFixture fixture)
{
    [Fact]
    public async Task an_unused_credit_leaves_the_balance_at_its_expiry_with_an_event_without_any_usage()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "expiry");
        // Once a first command is decided the funding subscription is running, so the grant is decided before it expires.
        await Eventually.Until(async () => (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 1, currency = "CNY", requestId = "warm" })).StatusCode,
            code => code == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var expiresAt = Epoch.UtcNow.AddSeconds(3);
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/credits", new { amount = 12.5, currency = "CNY", expiresAt, reason = "trial" })).EnsureSuccessStatusCode();
        (await BalanceAsync(fixture, tenant)).GetProperty("credits").GetArrayLength().ShouldBe(1);
        Epoch.Clock.Advance(NodaTime.Duration.FromSeconds(4)); // past the expiry on the service's clock: no wait for it

        var expired = await Eventually.Until(() => BalanceAsync(fixture, tenant), b => b.Dec("totals.creditsExpired") > 0, TimeSpan.FromSeconds(30), "the credit to expire");

        expired.Dec("totals.creditsExpired").ShouldBe(12.5m);
        expired.GetProperty("credits").GetArrayLength().ShouldBe(0);
        expired.Dec("availablePrepaid").ShouldBe(1m);
    }
}
