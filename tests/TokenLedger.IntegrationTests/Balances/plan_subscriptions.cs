using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Balances;

[Collection(LedgerCollection.Name)]
public sealed class plan_subscriptions(LedgerFixture fixture)
{
    [Fact]
    public async Task plan_economics_show_fee_revenue_against_wholesale_cost_and_breakage()
    {
        var book = await UnitPriceBookAsync(fixture);
        var plan = LedgerFixture.NewTenantId("econ");
        (await fixture.Operator.PutAsJsonAsync($"/api/plans/{plan}", new
        {
            name = "Economics", currency = "CNY", monthlyFee = 40, models = new[] { Model },
            caps = new object[] { new { window = "month", unit = "tokens", limit = 1000 } }, overagePolicy = "payg",
        })).EnsureSuccessStatusCode();
        var heavy = await TenantAsync(fixture, book, "heavy");
        var light = await TenantAsync(fixture, book, "light");
        foreach (var tenant in new[] { heavy, light })
            (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan })).EnsureSuccessStatusCode();

        await PostUsageAsync(fixture, [UsageOf(heavy, 500), UsageOf(heavy, 300), UsageOf(light, 100)]);
        await FundedAsync(fixture, heavy, 2);
        await FundedAsync(fixture, light, 1);
        var month = Epoch.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM");

        var economics = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/plans/{plan}/economics?month={month}");

        economics.GetProperty("subscribers").GetInt32().ShouldBe(2);
        economics.Dec("feeRevenue").ShouldBe(80m);
        economics.Dec("retailValueCovered").ShouldBe(900m);
        // The unit book's wholesale side is unrated here (no house book), so the cost is 0 and the margin is the fees.
        economics.Dec("margin").ShouldBe(80m - economics.Dec("wholesaleCost"));
        economics.Dec("meanUtilisationPercent").ShouldBe(45m);
        economics.Dec("breakagePercent").ShouldBe(55m);
        economics.GetProperty("utilisation").EnumerateArray().Single(b => b.GetProperty("range").GetString() == "80-100%").GetProperty("subscribers").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task a_tenant_with_no_account_activity_is_subscribed_at_once_not_after_the_ordered_wait()
    {
        var book = await UnitPriceBookAsync(fixture);
        var plan = await PlanAsync("fresh", 40);
        var tenant = await TenantAsync(fixture, book, "fresh");

        var took = System.Diagnostics.Stopwatch.StartNew();
        var subscribed = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan });
        took.Stop();

        subscribed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await subscribed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("subscription").GetProperty("planId").GetString().ShouldBe(plan);
        // Before, the pre-check waited the whole ordered-command wait for an account funding had never opened.
        took.Elapsed.ShouldBeLessThan(TokenLedger.Infrastructure.OrderedCommands.Wait / 2);
    }

    [Fact]
    public async Task subscribing_twice_is_a_409_and_a_tenant_key_cannot_change_any_subscription()
    {
        var book = await UnitPriceBookAsync(fixture);
        var plan = LedgerFixture.NewTenantId("own");
        (await fixture.Operator.PutAsJsonAsync($"/api/plans/{plan}", new
        {
            name = "Own", currency = "CNY", monthlyFee = 10, models = new[] { "*" },
            caps = new object[] { new { window = "rolling-5h", unit = "requests", limit = 5 } }, overagePolicy = "throttle",
        })).EnsureSuccessStatusCode();
        var tenant = await TenantAsync(fixture, book, "own");
        var key = await fixture.TenantClientAsync(tenant);
        var finance = await fixture.RoleClientAsync("finance");

        (await key.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await finance.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await finance.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await key.PutAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await key.DeleteAsync($"/api/tenants/{tenant}/subscription")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await key.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 5, currency = "CNY" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var balance = await key.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/balance");
        balance.GetProperty("plan").GetProperty("planId").GetString().ShouldBe(plan);
        balance.Dec("postpaid.unbilled").ShouldBe(10m);
        (await finance.DeleteAsync($"/api/tenants/{tenant}/subscription")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/balance")).GetProperty("plan").GetProperty("endsAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Fact]
    public async Task switching_between_two_plans_and_back_leaves_wallet_and_postpaid_unchanged()
    {
        var book = await UnitPriceBookAsync(fixture);
        var lite = await PlanAsync("lite", 40);
        var pro = await PlanAsync("pro", 200);
        var tenant = await TenantAsync(fixture, book, "switch");
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 30, currency = "CNY" })).EnsureSuccessStatusCode();
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = lite })).EnsureSuccessStatusCode();
        var before = await BalanceAsync(fixture, tenant);

        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = pro })).EnsureSuccessStatusCode();
        var back = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = lite });
        back.EnsureSuccessStatusCode();

        var after = await BalanceAsync(fixture, tenant);
        // Seconds pass between the calls, so each proration is a hair under the full remaining fee: allow a cent each way.
        Math.Abs(after.Dec("wallet") + after.Dec("postpaid.unbilled") - before.Dec("wallet") - before.Dec("postpaid.unbilled")).ShouldBeLessThanOrEqualTo(0.02m);
        after.Dec("wallet").ShouldBeLessThanOrEqualTo(before.Dec("wallet") + 0.02m);
    }

    private async Task<string> PlanAsync(string prefix, decimal fee, decimal? intro = null, int introMonths = 0)
    {
        var plan = LedgerFixture.NewTenantId(prefix);
        (await fixture.Operator.PutAsJsonAsync($"/api/plans/{plan}", new
        {
            name = prefix, currency = "CNY", monthlyFee = fee, introFee = intro, introMonths, models = new[] { "*" },
            caps = new object[] { new { window = "rolling-5h", unit = "requests", limit = 1000 } }, overagePolicy = "payg",
        })).EnsureSuccessStatusCode();
        return plan;
    }
}
