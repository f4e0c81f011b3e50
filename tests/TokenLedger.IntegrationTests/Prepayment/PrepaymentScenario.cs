using System.Net.Http.Json;
using System.Text.Json;
using TokenLedger.IntegrationTests.Balances;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Prepayment;

/// <summary>A distributor buying <see cref="AccountScenario.Model"/> at 0.5 per token and reselling it at 1 per token.</summary>
public static class PrepaymentScenario
{
    public static async Task<string> DistributorAsync(LedgerFixture fixture)
    {
        var book = LedgerFixture.NewTenantId("whole");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{book}", new
        {
            currency = "CNY", effectiveFrom = Epoch.LongAgo,
            prices = new[] { new { model = AccountScenario.Model, inputPerMillion = "500000", cachedInputPerMillion = "500000", cacheWritePerMillion = "500000", outputPerMillion = "500000" } },
        })).EnsureSuccessStatusCode();
        var distributor = LedgerFixture.NewTenantId("dist");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}", new { name = "Reseller", wholesalePriceBookId = book })).EnsureSuccessStatusCode();
        return distributor;
    }

    public static async Task<JsonElement> PrepaymentAsync(LedgerFixture fixture, string distributor) =>
        await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/prepayment");

    /// <summary>Waits until the prepaid balances show <paramref name="drawn"/> drawn in total.</summary>
    public static Task<JsonElement> DrawnAsync(LedgerFixture fixture, string distributor, decimal drawn) =>
        Eventually.Until(() => PrepaymentAsync(fixture, distributor),
            p => p.GetProperty("providers").EnumerateArray().Sum(x => x.GetProperty("drawn").GetDecimal()) >= drawn,
            TimeSpan.FromSeconds(60), $"{distributor} drew {drawn}");
}
