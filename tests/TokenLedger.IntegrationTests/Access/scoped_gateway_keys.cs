using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Access;

/// <summary>A gateway key scoped to tenants and/or a distributor: usage outside the scope is refused item by item.</summary>
[Collection(LedgerCollection.Name)]
public sealed class scoped_gateway_keys(LedgerFixture fixture)
{
    [Fact]
    public async Task usage_outside_a_tenant_and_distributor_scope_is_refused_per_item_and_the_rest_is_recorded()
    {
        var mine = LedgerFixture.NewTenantId("scope");
        var other = LedgerFixture.NewTenantId("nscope");
        var gateway = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "gateway", tenants = new[] { mine }, distributorId = "d-scope" });
        var at = Epoch.UtcNow.AddMinutes(-1);
        var events = UsageSamples.Events(mine, 2, at).Select(e => e with { DistributorId = "d-scope" })
            .Append(UsageSamples.Events(other, 1, at, seed: 2)[0] with { DistributorId = "d-scope" })
            .Append(UsageSamples.Events(mine, 1, at, seed: 3)[0] with { DistributorId = "d-other" })
            .Append(UsageSamples.Events(mine, 1, at, seed: 4)[0])
            .ToList();

        var response = await gateway.PostAsync("/api/usage", Json(events));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("accepted").GetInt32().ShouldBe(2);
        result.GetProperty("rejected").GetInt32().ShouldBe(3);
        var items = result.GetProperty("items").EnumerateArray().ToList();
        Reason(items[2]).ShouldBe(("tenantId", $"tenantId '{other}' is outside this key's scope"));
        Reason(items[3]).ShouldBe(("distributorId", "distributorId 'd-other' is outside this key's scope"));
        Reason(items[4]).ShouldBe(("distributorId", "this key may only post usage with distributorId 'd-scope'"));
        await Eventually.Until(async () => (await UsageSamples.QueryAsync(fixture.Operator, mine, at.AddMinutes(-1), at.AddMinutes(1))).Models.Sum(m => m.Events),
            n => n == 2, TimeSpan.FromSeconds(30), "the two events in scope");
    }

    [Fact]
    public async Task an_unscoped_gateway_key_may_still_post_for_any_tenant()
    {
        var gateway = await fixture.RoleClientAsync("gateway");
        var events = UsageSamples.Events(LedgerFixture.NewTenantId("any"), 1, Epoch.UtcNow);
        var result = await (await gateway.PostAsync("/api/usage", Json(events))).Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("accepted").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task a_scope_on_a_key_that_is_not_a_gateway_is_a_400_naming_tenants()
    {
        var response = await fixture.Operator.PostAsJsonAsync("/api/keys", new { role = "finance", tenants = new[] { "acme" } });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("Tenants", out _).ShouldBeTrue();
    }

    private static StringContent Json(object value) => new(UsageSamples.ToJson(value), Encoding.UTF8, "application/json");

    private static (string Field, string Message) Reason(JsonElement item)
    {
        item.GetProperty("status").GetString().ShouldBe("rejected");
        var error = item.GetProperty("errors")[0];
        return (error.GetProperty("field").GetString()!, error.GetProperty("message").GetString()!);
    }
}
