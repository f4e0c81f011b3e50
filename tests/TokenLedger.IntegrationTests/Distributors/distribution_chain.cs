using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Balances;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Distributors;

[Collection(PinnedClockCollection.Name)]
public sealed class distribution_chain(PinnedClockLedgerFixture fixture)
{
    private async Task<string> BookAsync(string inputPerMillion)
    {
        var id = LedgerFixture.NewTenantId("chainbook");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", new
        {
            currency = "CNY", effectiveFrom = Epoch.LongAgo,
            prices = new[] { new { model = "glm-4.6", inputPerMillion, cachedInputPerMillion = "0", cacheWritePerMillion = "0", outputPerMillion = "0" } },
        })).EnsureSuccessStatusCode();
        return id;
    }

    private async Task<string> DistributorAsync(string? wholesaleBook)
    {
        var id = LedgerFixture.NewTenantId("hop");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{id}", new { name = id, wholesalePriceBookId = wholesaleBook })).EnsureSuccessStatusCode();
        return id;
    }

    private Task<HttpResponseMessage> UpstreamAsync(string distributor, string? parent, decimal? commission) =>
        fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}/upstream",
            new { parentDistributorId = parent, commissionPercent = commission, effectiveFrom = Epoch.MonthsAgo(8).UtcAt(1) });

    private async Task<JsonElement> MarginsAsync(string distributor, string groupBy = "model") =>
        await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/margins?period={Epoch.MonthsAgo(3).Period}&groupBy={groupBy}");

    [Fact]
    public async Task every_hop_of_a_three_distributor_chain_sells_at_the_next_hops_cost_on_random_usage()
    {
        // provider → top (2 per million) → mid (buys at 2.4) → sub (mid's cost + 5.5 % = 2.532) → tenants at 4 and at 2.5.
        var top = await DistributorAsync(await BookAsync("2"));
        var mid = await DistributorAsync(await BookAsync("2.4"));
        var sub = await DistributorAsync(null);
        (await UpstreamAsync(mid, top, null)).EnsureSuccessStatusCode();
        (await UpstreamAsync(sub, mid, 5.5m)).EnsureSuccessStatusCode();
        var dear = await AccountScenario.TenantAsync(fixture, await BookAsync("4"), "dear");
        var cheap = await AccountScenario.TenantAsync(fixture, await BookAsync("2.5"), "cheap");

        var random = new Random(7);
        var events = Enumerable.Range(0, 300).Select(i => new UsageEventV1($"chain-{sub}-{i}",
            Epoch.MonthsAgo(3).At(1 + random.Next(29) % Epoch.MonthsAgo(3).Days, random.Next(24)),
            i % 3 == 0 ? cheap : dear, "glm-4.6", random.NextInt64(1, 3_000_000), 0, 0, DistributorId: sub)).ToList();
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var (t, m, s) = (await MarginsAsync(top), await MarginsAsync(mid), await MarginsAsync(sub));
        var retail = events.Sum(e => e.InputTokens * (e.TenantId == cheap ? 2.5m : 4m) / 1_000_000m);
        var upstream = events.Sum(e => e.InputTokens * 2m / 1_000_000m);
        t.Dec("cost").ShouldBe(upstream);
        t.Dec("revenue").ShouldBe(m.Dec("cost"));
        m.Dec("revenue").ShouldBe(s.Dec("cost"));
        s.Dec("cost").ShouldBe(m.Dec("cost") * 1.055m);
        s.Dec("revenue").ShouldBe(retail);
        (t.Dec("margin") + m.Dec("margin") + s.Dec("margin")).ShouldBe(retail - upstream);
        foreach (var report in new[] { t, m, s }) report.GetProperty("groups")[0].GetProperty("events").GetInt64().ShouldBe(300);

        // Reselling to the 2.5 tenant is below sub's cost of 2.532: flagged.
        var byTenant = (await MarginsAsync(sub, "tenant")).GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("group").GetString()!);
        (byTenant[cheap].GetProperty("negativeMargin").GetBoolean(), byTenant[dear].GetProperty("negativeMargin").GetBoolean()).ShouldBe((true, false));

        var csv = await fixture.Operator.GetStringAsync($"/api/distributors/{sub}/margins?period={Epoch.MonthsAgo(3).Period}&groupBy=tenant&format=csv");
        csv.ShouldStartWith("tenant,events,tokens,revenue,cost,margin,margin_percent,negative_margin,unrated_events,revenue_currency,cost_currency\n");
        csv.ShouldContain($"\n{cheap},");
        csv.TrimEnd().Split('\n')[^1].ShouldStartWith("total,300,");

        var midKey = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "distributor", distributorId = mid });
        (await midKey.GetAsync($"/api/distributors/{mid}/margins?period={Epoch.MonthsAgo(3).Period}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await midKey.GetAsync($"/api/distributors/{top}/margins?period={Epoch.MonthsAgo(3).Period}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // A distributor sees its own chain: the sub-distributors it sells to, not those it buys from.
        (await midKey.GetAsync($"/api/distributors/{sub}/margins?period={Epoch.MonthsAgo(3).Period}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var subKey = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "distributor", distributorId = sub });
        (await subKey.GetAsync($"/api/distributors/{mid}/margins?period={Epoch.MonthsAgo(3).Period}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_chain_that_would_loop_or_a_commission_without_a_parent_is_refused()
    {
        var a = await DistributorAsync(await BookAsync("2"));
        var b = await DistributorAsync(null);
        (await UpstreamAsync(b, a, 3m)).EnsureSuccessStatusCode();
        var loop = await UpstreamAsync(a, b, null);
        loop.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await loop.Content.ReadAsStringAsync()).ShouldContain("the chain would loop");
        var orphan = await UpstreamAsync(a, null, 5m);
        orphan.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await orphan.Content.ReadAsStringAsync()).ShouldContain("commissionPercent needs a parentDistributorId");
        (await UpstreamAsync(a, "nobody", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
