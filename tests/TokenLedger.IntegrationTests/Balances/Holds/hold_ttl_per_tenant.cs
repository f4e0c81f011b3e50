using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>The tenant's default hold TTL (<c>holdTtlSeconds</c> on the tenant PUT): used when a hold names no ttlSeconds.</summary>
[Collection(LedgerCollection.Name)]
public sealed class hold_ttl_per_tenant(LedgerFixture fixture)
{
    private HttpClient Op => fixture.Operator;

    private async Task<Duration> TtlOfAsync(string tenant, string requestId, int? ttlSeconds = null)
    {
        var placed = await HoldAsync(Op, tenant, requestId, maxInput: 1, ttlSeconds: ttlSeconds);
        placed.StatusCode.ShouldBe(HttpStatusCode.Created);
        var holdId = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("holdId").GetString();
        var line = (await Op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds")).GetProperty("holds").EnumerateArray()
            .Single(h => h.GetProperty("holdId").GetString() == holdId);
        Instant At(string field) => InstantPattern.ExtendedIso.Parse(line.GetProperty(field).GetString()!).Value;
        return At("expiresAt") - At("placedAt");
    }

    [Fact]
    public async Task the_tenants_default_ttl_applies_unless_the_call_names_one_and_a_put_leaving_it_out_keeps_it()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 100);
        (await TtlOfAsync(tenant, "no-default")).ShouldBe(Duration.FromMinutes(10));

        var put = await Op.PutAsJsonAsync($"/api/tenants/{tenant}", new { holdTtlSeconds = 120 });
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("holdTtlSeconds").GetInt32().ShouldBe(120);
        (await Op.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Renamed" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}")).GetProperty("holdTtlSeconds").GetInt32().ShouldBe(120);

        (await TtlOfAsync(tenant, "tenant-default")).ShouldBe(Duration.FromSeconds(120));
        (await TtlOfAsync(tenant, "call-wins", ttlSeconds: 30)).ShouldBe(Duration.FromSeconds(30));

        var audit = await Op.GetFromJsonAsync<JsonElement>($"/api/audit?tenant={tenant}");
        audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ShouldContain("tenant_hold_ttl_set");
    }

    [Theory]
    [InlineData(3601)]
    [InlineData(0)]
    public async Task a_default_ttl_outside_1_to_3600_seconds_is_refused_with_the_field(int seconds)
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 0);
        var put = await Op.PutAsJsonAsync($"/api/tenants/{tenant}", new { holdTtlSeconds = seconds });
        put.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("HoldTtlSeconds")[0].GetString()
            .ShouldBe("holdTtlSeconds must be 1 to 3600 (a hold lives at most one hour)");
        (await Op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}")).GetProperty("holdTtlSeconds").ValueKind.ShouldBe(JsonValueKind.Null);
        var hold = await HoldAsync(Op, tenant, "too-long", maxInput: 0, ttlSeconds: 3601);
        hold.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await hold.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("TtlSeconds", out _).ShouldBeTrue();
    }
}
