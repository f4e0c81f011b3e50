using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Webhooks;

/// <summary>Issue #27 item 4 with #26: a hold refused with 402 reaches the tenant's webhook as <c>hold.refused</c>, signed, with its reason.</summary>
[Collection(WebhookCollection.Name)]
public sealed class refusing_holds_raises_a_webhook(WebhookFixture fixture)
{
    [Fact]
    public async Task a_402_for_a_hold_is_delivered_as_hold_refused_with_its_reason()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("whr"));
        var client = await fixture.TenantClientAsync(tenant);
        var port = WebhookReceiver.FreePort();
        var created = await client.PostAsJsonAsync("/api/webhooks", new { url = $"http://127.0.0.1:{port}/in", eventTypes = new[] { "hold.*" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        await using var receiver = await WebhookReceiver.StartAsync(port, secret);

        // No funds and a credit limit of 0 (without terms, postpaid is unlimited): an explicit amount of 5 cannot be held.
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = "0" })).EnsureSuccessStatusCode();
        var refused = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/holds", new { requestId = "req-1", model = "m", amount = 5 });
        refused.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired, await refused.Content.ReadAsStringAsync());

        var received = await Eventually.Until(() => Task.FromResult(receiver.Received()), r => r.Count >= 1, TimeSpan.FromSeconds(30), "hold.refused");
        received[0].Verified.ShouldBeTrue();
        received[0].Type.ShouldBe("hold.refused");
        received[0].Data.GetProperty("tenantId").GetString().ShouldBe(tenant);
        received[0].Data.GetProperty("reason").GetString().ShouldBe("insufficient-funds");
        received[0].Data.GetProperty("amount").GetDecimal().ShouldBe(5m);
    }
}
