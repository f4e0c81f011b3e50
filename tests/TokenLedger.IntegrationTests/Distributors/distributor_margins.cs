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
public sealed class distributor_margins(PinnedClockLedgerFixture fixture)
{
    private Task<string> BookAsync(string a, string b) => AccountScenario.FlatPriceBookAsync(fixture, "mbook", ("model-a", a), ("model-b", b));

    [Fact]
    public async Task margins_by_model_tenant_and_day_flag_selling_below_cost_and_are_private_to_the_distributor()
    {
        var distributor = LedgerFixture.NewTenantId("dist");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}", new { name = "Reseller", wholesalePriceBookId = await BookAsync("500000", "1500000") })).EnsureSuccessStatusCode();
        var retail = await BookAsync("1000000", "1000000");
        var t1 = await AccountScenario.TenantAsync(fixture, retail, "m1");
        var t2 = await AccountScenario.TenantAsync(fixture, retail, "m2");
        // 23:30+08:00 on the last day of "June" is still June in Shanghai; 00:00+08:00 on the first of "July" is July.
        var june30 = Epoch.MonthsAgo(3).Next.Start.AddMinutes(-30);
        UsageEventV1 E(string tenant, string model, long tokens, DateTimeOffset at) =>
            new($"{tenant}-{Guid.NewGuid():N}", at, tenant, model, tokens, 0, 0, DistributorId: distributor);
        var events = new[]
        {
            E(t1, "model-a", 100, june30), E(t2, "model-a", 300, june30.AddDays(-10)), E(t1, "model-b", 40, june30.AddDays(-1)),
            E(t1, "model-a", 999, june30.AddMinutes(30)),
        };
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var byModel = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/margins?period={Epoch.MonthsAgo(3).Period}&groupBy=model");
        var a = byModel.GetProperty("groups")[0];
        a.GetProperty("group").GetString().ShouldBe("model-a");
        (a.Dec("revenue"), a.Dec("cost"), a.Dec("margin"), a.Dec("marginPercent")).ShouldBe((400m, 200m, 200m, 50m));
        var b = byModel.GetProperty("groups")[1];
        (b.Dec("revenue"), b.Dec("cost"), b.Dec("margin"), b.GetProperty("negativeMargin").GetBoolean()).ShouldBe((40m, 60m, -20m, true));
        byModel.Dec("margin").ShouldBe(180m);

        var byTenant = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/margins?period={Epoch.MonthsAgo(3).Period}&groupBy=tenant");
        byTenant.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("group").GetString() == t1).Dec("revenue").ShouldBe(140m);
        var byDay = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/margins?period={Epoch.MonthsAgo(3).Period}&groupBy=day");
        byDay.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString())
            .ShouldBe(new[] { june30.AddDays(-10), june30.AddDays(-1), june30 }.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));

        var own = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "distributor", distributorId = distributor });
        // Self-hosted model-a costs the distributor 0.9 per token of its own: revenue 400 against 360.
        (await own.PutAsJsonAsync($"/api/distributors/{distributor}/break-even/model-a", new { inputPerMillion = 900000, cachedInputPerMillion = 0, cacheWritePerMillion = 0, outputPerMillion = 0 })).EnsureSuccessStatusCode();
        var withBreakEven = (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/margins?period={Epoch.MonthsAgo(3).Period}&groupBy=model")).GetProperty("groups")[0].GetProperty("breakEven");
        (withBreakEven.Dec("cost"), withBreakEven.Dec("marginOverBreakEven"), withBreakEven.GetProperty("belowBreakEven").GetBoolean()).ShouldBe((360m, 40m, false));
        (await own.PutAsJsonAsync("/api/distributors/house/break-even/model-a", new { inputPerMillion = 1 })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await own.GetAsync($"/api/distributors/{distributor}/margins?period={Epoch.MonthsAgo(3).Period}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await own.GetAsync($"/api/distributors/house/margins?period={Epoch.MonthsAgo(3).Period}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.Operator.GetAsync($"/api/distributors/{distributor}/margins?period=June")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
