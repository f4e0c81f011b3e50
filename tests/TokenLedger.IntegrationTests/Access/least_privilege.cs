using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;
using static TokenLedger.IntegrationTests.Prepayment.PrepaymentScenario;

namespace TokenLedger.IntegrationTests.Access;

/// <summary>
/// The README's role table, enforced: acts that create value from nothing are the operator's; finance records money that
/// moved; a distributor does not record its own deposits.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class least_privilege(LedgerFixture fixture)
{
    private static readonly string InAMonth = Epoch.UtcNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm:sszzz");

    [Fact]
    public async Task finance_cannot_grant_credit_or_adjust_upwards_but_the_operator_can()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "lp");
        var finance = await fixture.RoleClientAsync("finance");
        var credit = new { amount = 100, currency = "CNY", expiresAt = InAMonth, priority = 1, reason = "promo" };

        (await finance.PostAsJsonAsync($"/api/tenants/{tenant}/credits", credit)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await RefusedNamingAsync(await finance.PostAsJsonAsync($"/api/tenants/{tenant}/adjustments", new { amount = 50, currency = "CNY", reason = "goodwill" }), "amount");

        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/credits", credit)).IsSuccessStatusCode.ShouldBeTrue();
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/adjustments", new { amount = 50, currency = "CNY", reason = "goodwill" })).IsSuccessStatusCode.ShouldBeTrue();
        (await finance.PostAsJsonAsync($"/api/tenants/{tenant}/adjustments", new { amount = -10, currency = "CNY", reason = "correction" })).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task finance_records_paid_packages_but_a_free_package_is_the_operators()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "lpkg");
        var finance = await fixture.RoleClientAsync("finance");
        object Package(decimal price) => new { name = "1M", sizeTokens = 1_000_000, pricePaid = price, currency = "CNY",
            validFrom = fixture.MonthsAgo(8).StartIso, validTo = InAMonth };

        await RefusedNamingAsync(await finance.PostAsJsonAsync($"/api/tenants/{tenant}/packages", Package(0)), "pricePaid");
        (await finance.PostAsJsonAsync($"/api/tenants/{tenant}/packages", Package(99))).IsSuccessStatusCode.ShouldBeTrue();
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/packages", Package(0))).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task finance_may_lower_a_credit_limit_but_only_the_operator_raises_or_removes_it()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "lcl");
        var finance = await fixture.RoleClientAsync("finance");
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = 1000 })).IsSuccessStatusCode.ShouldBeTrue();
        await Eventually.Until(() => LimitAsync(tenant), limit => limit == 1000m, TimeSpan.FromSeconds(30), "the limit of 1000");

        (await finance.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = 500 })).IsSuccessStatusCode.ShouldBeTrue();
        await Eventually.Until(() => LimitAsync(tenant), limit => limit == 500m, TimeSpan.FromSeconds(30), "the limit of 500");
        await RefusedNamingAsync(await finance.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = 2000 }), "creditLimit");
        await RefusedNamingAsync(await finance.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = (decimal?)null }), "creditLimit");
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = 2000 })).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task deposits_are_recorded_by_operator_or_finance_and_not_by_the_distributor_itself()
    {
        var distributor = await DistributorAsync(fixture);
        var own = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "distributor", distributorId = distributor });
        var finance = await fixture.RoleClientAsync("finance");
        object Deposit(string id) => new { provider = "", amount = 10, currency = "CNY", paidAt = fixture.MonthsAgo(3).UtcAt(1), requestId = id };

        (await own.PostAsJsonAsync($"/api/distributors/{distributor}/deposits", Deposit("own-1"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await finance.PostAsJsonAsync($"/api/distributors/{distributor}/deposits", Deposit("fin-1"))).IsSuccessStatusCode.ShouldBeTrue();
        (await own.GetAsync($"/api/distributors/{distributor}/prepayment")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<decimal?> LimitAsync(string tenant)
    {
        var balance = await BalanceAsync(fixture, tenant);
        var limit = balance.GetProperty("postpaid").GetProperty("creditLimit");
        return limit.ValueKind == JsonValueKind.Null ? null : limit.GetDecimal();
    }

    private static async Task RefusedNamingAsync(HttpResponseMessage response, string field)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe(field);
    }
}
