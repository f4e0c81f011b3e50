using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Pricing;

/// <summary>GET /api/operator/unrated is paged on the server: by side and reason, or for one tenant by side, reason and model.</summary>
[Collection(LedgerCollection.Name)]
public sealed class paging_unrated_usage(LedgerFixture fixture)
{
    [Fact]
    public async Task one_tenants_unrated_usage_is_paged_by_reason_and_model_with_totals()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("unr"));
        var at = fixture.MonthsAgo(3).At(3, 10);
        var events = new[] { ("m-a", 3), ("m-b", 2), ("m-c", 1) }
            .SelectMany(m => Enumerable.Range(0, m.Item2).Select(i => new UsageEventV1($"{tenant}-{m.Item1}-{i}", at.AddMinutes(i), tenant, m.Item1, 10, 0, 1)))
            .ToList();
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var first = await PageAsync($"tenant={tenant}&page=1&pageSize=2");
        var second = await PageAsync($"tenant={tenant}&page=2&pageSize=2");
        var all = await PageAsync($"tenant={tenant}&pageSize=500");

        first.GetProperty("groups").GetArrayLength().ShouldBe(2);
        first.GetProperty("totalGroups").GetInt64().ShouldBe(all.GetProperty("groups").GetArrayLength());
        var retail = all.GetProperty("groups").EnumerateArray().Where(g => g.GetProperty("side").GetString() == "retail").ToList();
        retail.Select(g => (g.GetProperty("model").GetString(), g.GetProperty("events").GetInt64())).ShouldBe([("m-a", 3L), ("m-b", 2L), ("m-c", 1L)]);
        retail.ShouldAllBe(g => g.GetProperty("reason").GetString() == $"tenant '{tenant}' has no retail price book" && g.GetProperty("tenantId").GetString() == tenant);
        retail[0].GetProperty("firstOccurredAt").GetDateTimeOffset().ShouldBe(at);
        retail[0].GetProperty("lastOccurredAt").GetDateTimeOffset().ShouldBe(at.AddMinutes(2));
        all.GetProperty("totalEvents").GetInt64().ShouldBe(all.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("events").GetInt64()));
        first.GetProperty("groups").EnumerateArray().Concat(second.GetProperty("groups").EnumerateArray()).Select(g => g.GetRawText())
            .ShouldBe(all.GetProperty("groups").EnumerateArray().Take(4).Select(g => g.GetRawText()));
    }

    [Fact]
    public async Task without_a_tenant_the_groups_are_reasons_with_their_event_counts_most_first()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("unr"));
        var at = fixture.MonthsAgo(3).At(3, 10);
        var events = Enumerable.Range(0, 4).Select(i => new UsageEventV1($"{tenant}-{i}", at.AddMinutes(i), tenant, "m-a", 10, 0, 1)).ToList();
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var page = await PageAsync("pageSize=1");
        page.GetProperty("groups").GetArrayLength().ShouldBe(1);
        var total = page.GetProperty("totalGroups").GetInt64();
        var every = new List<JsonElement>();
        for (var n = 1; (n - 1) * 500 < total; n++) every.AddRange((await PageAsync($"page={n}&pageSize=500")).GetProperty("groups").EnumerateArray());
        every.Count.ShouldBe((int)total);
        every.Select(g => g.GetProperty("events").GetInt64()).ShouldBeInOrder(SortDirection.Descending);
        var mine = every.Single(g => g.GetProperty("reason").GetString() == $"tenant '{tenant}' has no retail price book");
        mine.GetProperty("events").GetInt64().ShouldBe(4);
        mine.GetProperty("side").GetString().ShouldBe("retail");

        (await fixture.Operator.GetAsync("/api/operator/unrated?page=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await fixture.Operator.GetAsync("/api/operator/unrated?pageSize=501")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private Task<JsonElement> PageAsync(string query) => fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/operator/unrated?{query}");
}
