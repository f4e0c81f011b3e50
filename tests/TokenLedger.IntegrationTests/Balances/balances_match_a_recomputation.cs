using System.Net.Http.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Balances;

[Collection(LedgerCollection.Name)]
public sealed class balances_match_a_recomputation(LedgerFixture fixture)
{
    private sealed record Setup(string Tenant, int Kind, decimal Wallet, decimal Credit, decimal Package, decimal? Limit);

    /// <summary>
    /// 10,000 random events over 100 tenants with wallets, credits, packages and credit limits, checked against a
    /// recomputation from the raw events: with one token = 1 CNY, whatever the order, each prepaid source pays
    /// min(what it holds, what is left), and postpaid takes the rest.
    /// </summary>
    [Fact]
    public async Task for_10000_random_events_across_100_tenants()
    {
        var random = new Random(20261123);
        var book = await UnitPriceBookAsync(fixture);
        var setups = Enumerable.Range(0, 100).Select(i => new Setup(LedgerFixture.NewTenantId("recompute"), i % 4, random.Next(0, 3000),
            i % 4 == 1 ? random.Next(1, 1500) : 0, i % 4 == 3 ? random.Next(1, 2000) : 0, i % 4 == 2 ? random.Next(0, 3000) : null)).ToList();
        await Parallel.ForEachAsync(setups, new ParallelOptions { MaxDegreeOfParallelism = 20 }, async (setup, _) =>
        {
            var tenant = setup.Tenant;
            (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = tenant, retailPriceBookId = book })).EnsureSuccessStatusCode();
            if (setup.Wallet > 0 && setup.Kind != 2)
                (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = setup.Wallet, currency = "CNY" })).EnsureSuccessStatusCode();
            if (setup.Credit > 0)
                (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/credits", new { amount = setup.Credit, currency = "CNY", expiresAt = Epoch.FarAhead, reason = "promo" })).EnsureSuccessStatusCode();
            if (setup.Package > 0)
                (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/packages", new { name = "pack", sizeTokens = setup.Package, pricePaid = 1, currency = "CNY", validFrom = fixture.MonthsAgo(8).UtcAt(1), validTo = Epoch.FarAhead })).EnsureSuccessStatusCode();
            if (setup.Limit is { } limit)
                (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = limit })).EnsureSuccessStatusCode();
        });

        var events = Enumerable.Range(0, 10_000).Select(_ =>
        {
            var tenant = setups[random.Next(setups.Count)].Tenant;
            return new UsageEventV1($"{tenant}-{Guid.NewGuid():N}", Epoch.UtcNow.AddMinutes(-random.Next(1, 600)), tenant, Model,
                random.Next(1, 50), random.Next(0, 10), random.Next(0, 20));
        }).ToList();
        foreach (var chunk in events.Chunk(1000)) await PostUsageAsync(fixture, chunk);

        foreach (var setup in setups)
        {
            var mine = events.Where(e => e.TenantId == setup.Tenant).ToList();
            decimal total = mine.Sum(e => e.InputTokens + e.CachedInputTokens + e.OutputTokens);
            var balance = await FundedAsync(fixture, setup.Tenant, mine.Count);

            var package = Math.Min(setup.Package, total);
            var credit = Math.Min(setup.Credit, total - package);
            var wallet = setup.Kind == 2 ? 0 : Math.Min(setup.Wallet, total - package - credit);
            var postpaid = total - package - credit - wallet;
            balance.Dec("totals.usageCharged").ShouldBe(total, setup.Tenant);
            balance.Dec("totals.packagesCovered").ShouldBe(package, setup.Tenant);
            balance.Dec("totals.creditsUsed").ShouldBe(credit, setup.Tenant);
            balance.Dec("totals.walletUsed").ShouldBe(wallet, setup.Tenant);
            balance.Dec("postpaid.unbilled").ShouldBe(postpaid, setup.Tenant);
            balance.Dec("wallet").ShouldBe((setup.Kind == 2 ? 0 : setup.Wallet) - wallet, setup.Tenant);
            if (setup.Limit is { } limit)
                (balance.GetProperty("totals").GetProperty("overCreditLimitEvents").GetInt64() > 0).ShouldBe(total > limit, setup.Tenant);
        }
    }
}
