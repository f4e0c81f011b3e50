using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>Helpers for hold tests against any host: a 1-CNY-per-token book, prepaid tenants, concurrent holds.</summary>
public static class HoldScenario
{
    public const string Model = AccountScenario.Model;

    public static async Task<string> UnitBookAsync(HttpClient op)
    {
        var id = LedgerFixture.NewTenantId("unit");
        (await op.PutAsJsonAsync($"/api/price-books/{id}", new
        {
            currency = "CNY", effectiveFrom = Epoch.LongAgo,
            prices = new[] { new { model = Model, inputPerMillion = "1000000", cachedInputPerMillion = "1000000", cacheWritePerMillion = "1000000", outputPerMillion = "1000000" } },
        })).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>A tenant on <paramref name="book"/> with <paramref name="wallet"/> CNY prepaid and a credit limit of <paramref name="creditLimit"/> (0: prepaid only).</summary>
    public static async Task<string> TenantAsync(HttpClient op, string book, decimal wallet, decimal? creditLimit = 0, string prefix = "hold")
    {
        var tenant = LedgerFixture.NewTenantId(prefix);
        (await op.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = $"Tenant {tenant}", retailPriceBookId = book })).EnsureSuccessStatusCode();
        (await op.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = creditLimit?.ToString(), drawdownOrder = new[] { "packages", "credits", "wallet" } }))
            .EnsureSuccessStatusCode();
        if (wallet > 0)
            (await op.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = wallet.ToString(), currency = "CNY", reference = $"bank-{tenant}" })).EnsureSuccessStatusCode();
        await Eventually.Until(() => BalanceAsync(op, tenant),
            b => b.GetProperty("wallet").GetDecimal() == wallet && (creditLimit is null || b.GetProperty("postpaid").GetProperty("creditLimit").ValueKind == JsonValueKind.Number),
            TimeSpan.FromSeconds(30), $"{tenant} funded with {wallet}");
        return tenant;
    }

    public static Task<JsonElement> BalanceAsync(HttpClient client, string tenant) => client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/balance")!;

    public static Task<JsonElement> HoldsAsync(HttpClient client, string tenant) => client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds")!;

    /// <summary>The only hold of a holds list or a balance's <c>holds</c>: where it was placed, and where its claim sits now.</summary>
    public static (string? Source, string? CurrentSource) SourcesOf(JsonElement holds)
    {
        var hold = holds.GetProperty("holds").EnumerateArray().Single();
        return (hold.GetProperty("source").GetString(), hold.GetProperty("currentSource").GetString());
    }

    /// <summary>Buys a package of <paramref name="sizeTokens"/> valid from eight months ago until <paramref name="validTo"/> (far ahead by default) and waits for it.</summary>
    public static async Task BuyPackageAsync(LedgerFixture fixture, string tenant, decimal sizeTokens, DateTimeOffset? validTo = null)
    {
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/packages", new
        {
            name = "Pack", sizeTokens, pricePaid = 1, currency = "CNY", validFrom = fixture.MonthsAgo(8).UtcAt(1), validTo = (object?)validTo ?? Epoch.FarAhead,
        })).EnsureSuccessStatusCode();
        await Eventually.Until(() => BalanceAsync(fixture.Operator, tenant), b => b.GetProperty("packages").GetArrayLength() == 1, TimeSpan.FromSeconds(30), $"{tenant}'s package");
    }

    public static async Task PostUsageAsync(HttpClient client, string tenant, string requestId, long input)
    {
        var usage = new UsageEventV1($"{tenant}-{Guid.NewGuid():N}", Epoch.UtcNow, tenant, Model, input, 0, 0, RequestId: requestId);
        (await client.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(new[] { usage }), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
    }

    public static Task<HttpResponseMessage> HoldAsync(HttpClient client, string tenant, string requestId, long maxInput, long maxOutput = 0, int? ttlSeconds = null, string? planId = null) =>
        client.PostAsJsonAsync($"/api/tenants/{tenant}/holds", new { requestId, model = Model, maxInputTokens = maxInput, maxOutputTokens = maxOutput, ttlSeconds, planId });

    public sealed record Outcome(HttpStatusCode Status, JsonElement Body, TimeSpan Took);

    /// <summary>Sends <paramref name="count"/> holds at once, spread over <paramref name="clients"/>, each its own requestId.</summary>
    public static async Task<List<Outcome>> ConcurrentHoldsAsync(IReadOnlyList<HttpClient> clients, string tenant, int count, long maxInput)
    {
        var start = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await start.Task;
            var watch = Stopwatch.StartNew();
            using var response = await HoldAsync(clients[i % clients.Count], tenant, $"req-{tenant}-{i}", maxInput);
            var took = watch.Elapsed;
            return new Outcome(response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(), took);
        }).ToList();
        start.SetResult();
        return [.. await Task.WhenAll(tasks)];
    }

    public static string Reason(this Outcome o) => o.Body.GetProperty("reason").GetString()!;

    public static string Percentiles(IEnumerable<TimeSpan> took)
    {
        var ms = took.Select(t => t.TotalMilliseconds).Order().ToArray();
        double P(double p) => ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(p * ms.Length) - 1)];
        return $"n={ms.Length} p50={P(0.5):0.0} ms p95={P(0.95):0.0} ms p99={P(0.99):0.0} ms max={ms[^1]:0.0} ms";
    }
}
