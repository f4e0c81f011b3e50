using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>A tenant with a token package: holds sit on the package's tokens, never more than it has, and its usage settles them there.</summary>
[Collection(LedgerCollection.Name)]
public sealed class holding_on_packages(LedgerFixture fixture)
{
    private HttpClient Op => fixture.Operator;

    [Fact]
    public async Task a_package_of_100_tokens_gives_exactly_100_package_holds_of_one_token_out_of_250_concurrent_asks()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 0, prefix: "pkghold");
        await BuyPackageAsync(fixture, tenant, 100);
        var clients = Enumerable.Range(0, 8).Select(_ => fixture.App.Client()).ToList();

        var outcomes = await ConcurrentHoldsAsync(clients, tenant, 250, maxInput: 1);

        var granted = outcomes.Where(o => o.Status == HttpStatusCode.Created).ToList();
        granted.Count.ShouldBe(100);
        granted.ShouldAllBe(o => o.Body.GetProperty("source").GetString() == "package" && o.Body.GetProperty("amount").GetDecimal() == 1m);
        outcomes.Where(o => o.Status != HttpStatusCode.Created).ShouldAllBe(o => o.Status == HttpStatusCode.PaymentRequired && o.Reason() == "insufficient-funds");
        var holds = await HoldsAsync(Op, tenant);
        (holds.GetProperty("held").GetDecimal(), holds.GetProperty("holds").GetArrayLength()).ShouldBe((0m, 100));
        holds.GetProperty("holds").EnumerateArray().Sum(h => h.GetProperty("packages").EnumerateArray().Sum(p => p.GetProperty("tokens").GetDecimal())).ShouldBe(100m);

        // The usage of one held request settles its hold on the package; usage without a hold cannot take the 99 reserved tokens.
        var requestId = granted[0].Body.GetProperty("requestId").GetString()!;
        await PostUsageAsync(Op, tenant, requestId, 1);
        await PostUsageAsync(Op, tenant, "not-held", 5);
        var balance = await AccountScenario.FundedAsync(fixture, tenant, 2);
        balance.GetProperty("packages").EnumerateArray().Single().GetProperty("remainingTokens").GetDecimal().ShouldBe(99m);
        (balance.Dec("totals.packagesCovered"), balance.Dec("postpaid.unbilled")).ShouldBe((1m, 5m));
        balance.GetProperty("holds").GetProperty("open").GetInt32().ShouldBe(99);
        (await HoldAsync(Op, tenant, "after-settling", maxInput: 1)).StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
    }

    [Fact]
    public async Task what_the_package_cannot_take_is_held_on_the_wallet()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 10, prefix: "pkghold");
        await BuyPackageAsync(fixture, tenant, 5);

        var placed = await HoldAsync(Op, tenant, "part-package", maxInput: 8);
        placed.StatusCode.ShouldBe(HttpStatusCode.Created);
        var hold = await placed.Content.ReadFromJsonAsync<JsonElement>();
        (hold.GetProperty("source").GetString(), hold.GetProperty("amount").GetDecimal()).ShouldBe(("wallet", 8m));
        var holds = await HoldsAsync(Op, tenant);
        (holds.GetProperty("held").GetDecimal(), holds.GetProperty("available").GetDecimal()).ShouldBe((3m, 7m));
        (await HoldAsync(Op, tenant, "too-much", maxInput: 8)).StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        (await HoldAsync(Op, tenant, "fits", maxInput: 7)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }
}
