using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.WriteSide;

/// <summary>Writes decided against the stream's version: no duplicate versions, no lost updates, fixed fields stay fixed.</summary>
[Collection(LedgerCollection.Name)]
public sealed class versioned_writes(LedgerFixture fixture)
{
    private static object Book(string input) => new
    {
        currency = "CNY", effectiveFrom = Epoch.LongAgo,
        prices = new[] { new { model = "m", inputPerMillion = input, cachedInputPerMillion = "1", outputPerMillion = "8" } },
    };

    [Fact]
    public async Task concurrent_puts_of_one_price_book_give_distinct_versions_and_lose_none()
    {
        var id = LedgerFixture.NewTenantId("book");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", Book("1"))).EnsureSuccessStatusCode();

        var answers = await Task.WhenAll(Enumerable.Range(2, 8).Select(i => fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", Book($"{i}"))));

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK || a.StatusCode == HttpStatusCode.Conflict);
        var succeeded = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        succeeded.ShouldBeGreaterThanOrEqualTo(2);
        var book = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/price-books/{id}");
        var versions = book.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).ToList();
        versions.ShouldBe(Enumerable.Range(1, 1 + succeeded).ToList());
        var inputs = book.GetProperty("versions").EnumerateArray()
            .Select(v => v.GetProperty("content").GetProperty("prices")[0].GetProperty("inputPerMillion").GetString()).ToList();
        inputs.Distinct().Count().ShouldBe(inputs.Count);
    }

    [Fact]
    public async Task a_tenant_put_that_leaves_fields_out_keeps_them()
    {
        var tenant = LedgerFixture.NewTenantId("keep");
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Keep", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();

        var renamed = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Kept" });

        var body = await renamed.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("currency").GetString().ShouldBe("EUR");
        body.GetProperty("timeZone").GetString().ShouldBe("Europe/Berlin");
        body.GetProperty("name").GetString().ShouldBe("Kept");
    }

    [Fact]
    public async Task a_tenants_currency_and_zone_are_fixed_once_it_has_balance_activity()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 5, currency = "CNY" })).EnsureSuccessStatusCode();

        var currency = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { currency = "USD" });
        var zone = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { timeZone = "America/New_York" });

        currency.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await currency.Content.ReadAsStringAsync()).ShouldContain("its currency cannot change");
        zone.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}")).GetProperty("currency").GetString().ShouldBe("CNY");
    }

    [Fact]
    public async Task a_tenants_currency_is_fixed_once_it_has_usage()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        await PostUsageAsync(fixture, [UsageOf(tenant, 3)]);

        var response = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { currency = "USD" });

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }
}
