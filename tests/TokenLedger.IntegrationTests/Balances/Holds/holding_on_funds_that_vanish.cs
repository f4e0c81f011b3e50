using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>
/// A credit that expires under an open hold (docs/holds.md, "When what a hold sits on goes away"): the hold stays, its
/// claim moves to the wallet, what the wallet cannot cover leaves available below zero, and new holds are refused; the hold
/// keeps the source it was placed on and shows where its claim sits now.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class holding_on_funds_that_vanish(LedgerFixture fixture)
{
    private HttpClient Op => fixture.Operator;

    [Fact]
    public async Task a_credit_expiring_under_a_hold_moves_its_claim_to_the_wallet_and_available_goes_negative()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 4, prefix: "vanish");
        (await Op.PostAsJsonAsync($"/api/tenants/{tenant}/credits",
            new { amount = 10, currency = "CNY", expiresAt = Epoch.UtcNow.AddSeconds(5), reason = "trial", requestId = "c1" })).EnsureSuccessStatusCode();
        await Eventually.Until(() => BalanceAsync(Op, tenant), b => b.GetProperty("credits").GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the credit");

        var placed = await HoldAsync(Op, tenant, "long-request", maxInput: 10, ttlSeconds: 600);
        placed.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("source").GetString().ShouldBe("credit");
        (await HoldsAsync(Op, tenant)).GetProperty("available").GetDecimal().ShouldBe(4m);
        // The balance shows the hold on the credit once funding has read it.
        var before = await Eventually.Until(() => BalanceAsync(Op, tenant), b => b.GetProperty("holds").GetProperty("open").GetInt32() == 1, TimeSpan.FromSeconds(30), "the hold read");
        before.GetProperty("credits")[0].GetProperty("reserved").GetDecimal().ShouldBe(10m);
        (before.Dec("holds.reservedOnWallet"), before.Dec("holds.unfunded")).ShouldBe((0m, 0m));
        SourcesOf(before.GetProperty("holds")).ShouldBe(("credit", "credit"));
        SourcesOf(await HoldsAsync(Op, tenant)).ShouldBe(("credit", "credit"));

        Epoch.Clock.Advance(NodaTime.Duration.FromSeconds(6)); // past the credit's expiry, well before the hold's
        var balance = await Eventually.Until(() => BalanceAsync(Op, tenant), b => b.Dec("totals.creditsExpired") == 10m, TimeSpan.FromSeconds(30), "the credit to expire");

        (balance.Dec("holds.funds"), balance.Dec("holds.held"), balance.Dec("holds.available")).ShouldBe((4m, 10m, -6m));
        balance.GetProperty("holds").GetProperty("open").GetInt32().ShouldBe(1);
        (balance.Dec("holds.reservedOnWallet"), balance.Dec("holds.unfunded")).ShouldBe((4m, 6m));
        var holds = await HoldsAsync(Op, tenant);
        (holds.GetProperty("held").GetDecimal(), holds.GetProperty("available").GetDecimal()).ShouldBe((10m, -6m));
        // The hold was placed on the credit and says so; its claim now sits beyond every source.
        SourcesOf(holds).ShouldBe(("credit", "unfunded"));
        SourcesOf(balance.GetProperty("holds")).ShouldBe(("credit", "unfunded"));
        var refused = await HoldAsync(Op, tenant, "next-request", maxInput: 1);
        refused.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString().ShouldBe("insufficient-funds");
    }
}
