using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.WebConsole;

/// <summary>The tenant view shows what open holds reserve where it sits: tokens on the package, money on the wallet.</summary>
[Collection(LedgerCollection.Name)]
public sealed class the_console_shows_what_holds_reserve(LedgerFixture fixture)
{
    [Fact]
    public async Task the_balance_card_shows_reserved_package_tokens_and_wallet_money()
    {
        var op = fixture.Operator;
        var tenant = await TenantAsync(op, await UnitBookAsync(op), wallet: 10, prefix: "uihold");
        (await op.PostAsJsonAsync($"/api/tenants/{tenant}/packages", new
        {
            name = "Pack", sizeTokens = 5, pricePaid = 1, currency = "CNY", validFrom = fixture.MonthsAgo(8).UtcAt(1), validTo = Epoch.FarAhead, requestId = "pack-1",
        })).EnsureSuccessStatusCode();
        await Eventually.Until(() => BalanceAsync(op, tenant), b => b.GetProperty("packages").GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the package");
        (await HoldAsync(op, tenant, "ui-hold", maxInput: 8, ttlSeconds: 600)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var balance = await Eventually.Until(() => BalanceAsync(op, tenant), b => b.GetProperty("holds").GetProperty("open").GetInt32() == 1, TimeSpan.FromSeconds(30), "the hold read");
        balance.GetProperty("packages")[0].GetProperty("reservedTokens").GetDecimal().ShouldBe(5m);
        balance.GetProperty("holds").GetProperty("reservedOnWallet").GetDecimal().ShouldBe(3m);

        var key = (await (await op.PostAsJsonAsync($"/api/tenants/{tenant}/keys", new { })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("key").GetString()!;
        var page = await (await ConsoleBrowser.SharedAsync(fixture.Servers)).SignedInAsync(key);
        await page.GetByTestId("packages").WaitForAsync();

        (await page.GetByTestId("packages").InnerTextAsync()).ShouldContain("(5 reserved by holds)");
        (await page.GetByTestId("wallet").InnerTextAsync()).ShouldContain("reserved by holds");
        (await page.GetByTestId("held").InnerTextAsync()).ShouldContain("1 holds");
    }
}
