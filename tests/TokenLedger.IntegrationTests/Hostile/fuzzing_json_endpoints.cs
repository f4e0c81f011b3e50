using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Hostile;

/// <summary>
/// Property: whatever hostile value replaces a field of a valid body (NUL, lone surrogates, 1 MB strings, RTL marks,
/// emoji, numbers beyond decimal, wrong types, deep nesting), every JSON endpoint answers 2xx or 4xx with a reason,
/// never 5xx.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class fuzzing_json_endpoints(LedgerFixture fixture)
{
    private const int CasesPerEndpoint = 40;

    [Fact]
    public async Task no_hostile_body_gets_a_5xx_from_any_json_endpoint()
    {
        var book = await UnitPriceBookAsync(fixture);
        var tenant = await TenantAsync(fixture, book, "fuzz");
        var distributor = LedgerFixture.NewTenantId("fuzzd");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}", new { name = "Fuzz" })).EnsureSuccessStatusCode();
        var plan = LedgerFixture.NewTenantId("fuzzp");
        var failures = new List<string>();

        // Every generated case is sent and every failure collected, so one run reports all of them at once.
        foreach (var (method, path, body) in Endpoints(tenant, book, distributor, plan))
            foreach (var json in Gen.Sample(HostileJson.Mutation(body), CasesPerEndpoint))
                Answers(method, path, json, failures);
        foreach (var json in Gen.Sample(HostileJson.Mutation(UsageItem(tenant)), 30))
            Answers(HttpMethod.Post, "/api/usage", $"[{UsageItem(tenant).ToJsonString()},{json}]", failures);

        failures.ShouldBeEmpty();
    }

    private void Answers(HttpMethod method, string path, string json, List<string> failures)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = fixture.Operator.SendAsync(request).GetAwaiter().GetResult();
        var status = (int)response.StatusCode;
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        var ok = status is >= 200 and < 300 || status is >= 400 and < 500 && text.Length > 0;
        if (!ok) failures.Add($"{method} {path} {status}: {(json.Length > 200 ? json[..200] + "…" : json)} → {(text.Length > 300 ? text[..300] : text)}");
    }

    private JsonObject UsageItem(string tenant) => new()
    {
        ["eventId"] = $"fuzz-{Guid.NewGuid():N}", ["occurredAt"] = fixture.MonthsAgo(3).UtcAt(1), ["tenantId"] = tenant, ["model"] = Model,
        ["inputTokens"] = 10, ["cachedInputTokens"] = 0, ["outputTokens"] = 5,
    };

    private IEnumerable<(HttpMethod, string, JsonObject)> Endpoints(string tenant, string book, string distributor, string plan)
    {
        var post = HttpMethod.Post;
        var put = HttpMethod.Put;
        yield return (put, $"/api/tenants/{tenant}", new() { ["name"] = "T", ["timeZone"] = "Asia/Shanghai", ["currency"] = "CNY", ["retailPriceBookId"] = book });
        yield return (put, $"/api/price-books/{book}-fuzz", new()
        {
            ["currency"] = "CNY", ["effectiveFrom"] = Epoch.LongAgo,
            ["prices"] = new JsonArray(new JsonObject { ["model"] = "m", ["inputPerMillion"] = "1", ["cachedInputPerMillion"] = "0.1", ["outputPerMillion"] = "4" }),
        });
        yield return (put, $"/api/distributors/{distributor}", new() { ["name"] = "D", ["wholesalePriceBookId"] = book });
        yield return (post, "/api/invoices/TL-0000-999999/credit-notes", new()
        {
            ["reason"] = "disputed", ["lines"] = new JsonArray(new JsonObject { ["line"] = 1, ["amount"] = "1.00", ["description"] = "d" }),
        });
        yield return (put, $"/api/distributors/{distributor}/upstream", new() { ["parentDistributorId"] = null, ["commissionPercent"] = 5.5, ["effectiveFrom"] = fixture.MonthsAgo(8).UtcAt(1) });
        yield return (put, $"/api/distributors/{distributor}/break-even/m", new() { ["inputPerMillion"] = 1, ["cachedInputPerMillion"] = 0.1, ["cacheWritePerMillion"] = 1, ["outputPerMillion"] = 4 });
        yield return (post, $"/api/distributors/{distributor}/deposits", new() { ["provider"] = "deepseek", ["amount"] = 100, ["currency"] = "CNY", ["paidAt"] = fixture.MonthsAgo(3).UtcAt(1), ["reference"] = "W-1" });
        yield return (put, $"/api/distributors/{distributor}/prepayment/threshold", new() { ["provider"] = "deepseek", ["threshold"] = 10, ["currency"] = "CNY" });
        yield return (put, $"/api/plans/{plan}", new()
        {
            ["name"] = "P", ["currency"] = "CNY", ["monthlyFee"] = 40, ["introFee"] = 9.9, ["introMonths"] = 2, ["models"] = new JsonArray("*"),
            ["caps"] = new JsonArray(new JsonObject { ["window"] = "month", ["unit"] = "tokens", ["limit"] = 1000 }), ["overagePolicy"] = "block",
        });
        yield return (post, $"/api/tenants/{tenant}/top-ups", new() { ["amount"] = 5, ["currency"] = "CNY", ["reference"] = "R-1" });
        yield return (post, $"/api/tenants/{tenant}/credits", new() { ["amount"] = 5, ["currency"] = "CNY", ["expiresAt"] = Epoch.FarAhead, ["priority"] = 1, ["reason"] = "x" });
        yield return (post, $"/api/tenants/{tenant}/refunds", new() { ["amount"] = 1, ["currency"] = "CNY", ["reason"] = "x" });
        yield return (post, $"/api/tenants/{tenant}/adjustments", new() { ["amount"] = -1, ["currency"] = "CNY", ["reason"] = "x" });
        yield return (post, $"/api/tenants/{tenant}/packages", new()
        {
            ["name"] = "pack", ["sizeTokens"] = 1000, ["weights"] = new JsonObject { ["output"] = 4 }, ["pricePaid"] = 1, ["currency"] = "CNY",
            ["validFrom"] = fixture.MonthsAgo(3).UtcAt(1), ["validTo"] = fixture.MonthsAgo(0).UtcAt(1),
        });
        yield return (put, $"/api/tenants/{tenant}/credit-terms", new() { ["creditLimit"] = 100, ["drawdownOrder"] = new JsonArray("packages", "credits", "wallet") });
        yield return (put, $"/api/tenants/{tenant}/invoice-terms", new() { ["taxRatePercent"] = 6, ["netDays"] = 30 });
        yield return (post, $"/api/tenants/{tenant}/payments", new() { ["amount"] = 1, ["currency"] = "CNY", ["receivedAt"] = fixture.MonthsAgo(3).UtcAt(1), ["method"] = "bank", ["reference"] = "P-1" });
        yield return (post, $"/api/tenants/{tenant}/write-offs", new() { ["invoiceNumber"] = "TL-1", ["amount"] = 1, ["reason"] = "x" });
        yield return (post, $"/api/tenants/{tenant}/subscription", new() { ["planId"] = plan });
        yield return (post, $"/api/tenants/{tenant}/invoices", new() { ["period"] = fixture.MonthsAgo(4).Period });
        yield return (post, "/api/keys", new() { ["role"] = "gateway", ["distributorId"] = null });
        yield return (post, "/api/webhooks", new()
        {
            ["url"] = "https://hooks.example.com/in", ["eventTypes"] = new JsonArray("cap.*", "invoice.issued"), ["tenantId"] = tenant, ["description"] = "d",
        });
        yield return (post, "/api/rerating", new() { ["tenantId"] = tenant, ["from"] = fixture.MonthsAgo(4).UtcAt(1), ["to"] = fixture.MonthsAgo(3).UtcAt(1), ["reason"] = "x" });
        yield return (post, "/api/usage/native", new() { ["format"] = "openai", ["eventId"] = "n-1", ["tenantId"] = tenant, ["model"] = "m", ["occurredAt"] = fixture.MonthsAgo(3).UtcAt(1), ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1 } });
    }
}
