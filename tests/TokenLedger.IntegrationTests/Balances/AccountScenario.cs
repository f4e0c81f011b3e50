using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Balances;

/// <summary>Helpers for balance tests: a price book where one token of each class costs exactly 1 CNY, tenants on it, usage.</summary>
public static class AccountScenario
{
    public const string Model = "unit-model";

    public static Task<string> UnitPriceBookAsync(LedgerFixture fixture) => FlatPriceBookAsync(fixture, "unit", (Model, "1000000"));

    /// <summary>A new price book (its id starts with <paramref name="prefix"/>) at flat prices: <see cref="PutFlatPriceBookAsync"/>.</summary>
    public static async Task<string> FlatPriceBookAsync(LedgerFixture fixture, string prefix, params (string Model, string PerMillion)[] prices)
    {
        var id = LedgerFixture.NewTenantId(prefix);
        await PutFlatPriceBookAsync(fixture, id, prices);
        return id;
    }

    /// <summary>Publishes a version of price book <paramref name="id"/> (CNY, effective long ago) in which every token class of each model costs one price per million tokens.</summary>
    public static async Task PutFlatPriceBookAsync(LedgerFixture fixture, string id, params (string Model, string PerMillion)[] prices) =>
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", new
        {
            currency = "CNY", effectiveFrom = Epoch.LongAgo,
            prices = prices.Select(p => new
            {
                model = p.Model, inputPerMillion = p.PerMillion, cachedInputPerMillion = p.PerMillion, cacheWritePerMillion = p.PerMillion, outputPerMillion = p.PerMillion,
            }).ToArray(),
        })).EnsureSuccessStatusCode();

    public static async Task<string> TenantAsync(LedgerFixture fixture, string book, string prefix = "acct", string? timeZone = null)
    {
        var tenant = LedgerFixture.NewTenantId(prefix);
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = $"Tenant {tenant}", retailPriceBookId = book, timeZone })).EnsureSuccessStatusCode();
        return tenant;
    }

    public static UsageEventV1 UsageOf(string tenant, long input, DateTimeOffset? at = null, long output = 0, string? planId = null) =>
        new($"{tenant}-{Guid.NewGuid():N}", at ?? Epoch.UtcNow, tenant, Model, input, 0, output, PlanId: planId);

    public static async Task PostUsageAsync(LedgerFixture fixture, IReadOnlyCollection<UsageEventV1> events)
    {
        var response = await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().ShouldBe(events.Count);
    }

    public static async Task<JsonElement> BalanceAsync(LedgerFixture fixture, string tenant) =>
        await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/balance");

    /// <summary>Waits until the balance has funded <paramref name="events"/> usage events.</summary>
    public static Task<JsonElement> FundedAsync(LedgerFixture fixture, string tenant, long events) =>
        Eventually.Until(() => BalanceAsync(fixture, tenant), b => b.GetProperty("totals").GetProperty("fundedEvents").GetInt64() >= events,
            TimeSpan.FromSeconds(60), $"{tenant} funded {events} events");

    public static decimal Dec(this JsonElement e, string path)
    {
        foreach (var part in path.Split('.')) e = e.GetProperty(part);
        return e.GetDecimal();
    }
}
