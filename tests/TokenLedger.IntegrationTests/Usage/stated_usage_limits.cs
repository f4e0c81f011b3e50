using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Usage;

/// <summary>
/// The limits contracts/README.md states for POST /api/usage, checked at the boundary: at most 1000 event objects and at
/// most 2 MiB (2,097,152 bytes) per body, and a 400 ProblemDetails beyond either.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class stated_usage_limits(LedgerFixture fixture)
{
    private const int MaxItems = 1000, MaxBytes = 2 * 1024 * 1024;

    [Fact]
    public async Task a_body_of_exactly_1000_items_is_accepted()
    {
        var tenant = LedgerFixture.NewTenantId("limit");
        var response = await PostAsync(UsageSamples.ToJson(UsageSamples.Events(tenant, MaxItems, Epoch.UtcNow.AddMinutes(-1))));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().ShouldBe(MaxItems);
    }

    [Fact]
    public async Task a_body_of_exactly_2_mib_is_read_and_one_byte_more_is_a_400()
    {
        var tenant = LedgerFixture.NewTenantId("mib");
        var json = UsageSamples.ToJson(UsageSamples.Events(tenant, 1, Epoch.UtcNow.AddMinutes(-1)));
        var padding = MaxBytes - Encoding.UTF8.GetByteCount(json);

        var atLimit = await PostAsync(json + new string(' ', padding));
        atLimit.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await atLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().ShouldBe(1);

        var over = await PostAsync(json + new string(' ', padding + 1));
        over.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        over.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await over.Content.ReadAsStringAsync()).ShouldContain($"the body exceeds {MaxBytes} bytes");
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        fixture.Operator.PostAsync("/api/usage", new StringContent(json, Encoding.UTF8, "application/json"));
}
