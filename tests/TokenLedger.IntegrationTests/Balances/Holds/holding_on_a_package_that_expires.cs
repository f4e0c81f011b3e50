using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>
/// A package that expires under an open hold (docs/holds.md, "When what a hold sits on goes away"), end to end: the
/// hold's part falls back to the wallet, held and available move by it on both the holds list and the balance, the hold
/// says it now sits on the wallet, and its usage is charged to the wallet and settles it. The sweeper is off, so the hold
/// (past its expiry with the package) keeps counting until its usage settles it.
/// </summary>
[Collection(NoHoldSweeperCollection.Name)]
public sealed class holding_on_a_package_that_expires(NoHoldSweeperLedgerFixture fixture)
{
    private HttpClient Op => fixture.Operator;

    [Fact]
    public async Task the_holds_part_falls_back_to_the_wallet_and_its_usage_is_charged_there()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 200, prefix: "pkgexp");
        await BuyPackageAsync(fixture, tenant, 100, validTo: Epoch.UtcNow.AddSeconds(300));

        var placed = await HoldAsync(Op, tenant, "long-request", maxInput: 100, ttlSeconds: 60);
        placed.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("source").GetString().ShouldBe("package");
        var before = await Eventually.Until(() => BalanceAsync(Op, tenant), b => b.GetProperty("holds").GetProperty("open").GetInt32() == 1, TimeSpan.FromSeconds(30), "the hold read");
        (before.Dec("holds.held"), before.Dec("holds.available")).ShouldBe((0m, 200m));
        before.GetProperty("packages")[0].GetProperty("reservedTokens").GetDecimal().ShouldBe(100m);
        SourcesOf(await HoldsAsync(Op, tenant)).ShouldBe(("package", "package"));

        Epoch.Clock.Advance(NodaTime.Duration.FromSeconds(301)); // past the package's validTo and the hold's expiry

        var holds = await HoldsAsync(Op, tenant);
        (holds.GetProperty("held").GetDecimal(), holds.GetProperty("available").GetDecimal()).ShouldBe((100m, 100m));
        SourcesOf(holds).ShouldBe(("package", "wallet"));
        holds.GetProperty("holds")[0].GetProperty("status").GetString().ShouldBe("expired");
        var balance = await BalanceAsync(Op, tenant);
        (balance.Dec("holds.held"), balance.Dec("holds.available"), balance.Dec("holds.reservedOnWallet")).ShouldBe((100m, 100m, 100m));
        SourcesOf(balance.GetProperty("holds")).ShouldBe(("package", "wallet"));
        (await HoldAsync(Op, tenant, "too-much", maxInput: 101)).StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);

        await PostUsageAsync(Op, tenant, "long-request", 80);
        var settled = await AccountScenario.FundedAsync(fixture, tenant, 1);
        settled.GetProperty("holds").GetProperty("open").GetInt32().ShouldBe(0);
        (settled.Dec("wallet"), settled.Dec("totals.packagesCovered"), settled.Dec("totals.walletUsed")).ShouldBe((120m, 0m, 80m));
    }
}
