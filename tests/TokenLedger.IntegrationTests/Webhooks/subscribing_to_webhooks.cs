using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Webhooks;

/// <summary>
/// A tenant subscribes for itself, sees only its own subscriptions and receives only its own events, signed so that
/// the standardwebhooks library verifies them; a rotated secret keeps the old one signing; a delivery can be replayed.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class subscribing_to_webhooks(WebhookFixture fixture)
{
    [Fact]
    public async Task a_tenant_receives_its_payments_signed_rotates_its_secret_without_a_gap_and_replays_a_delivery()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("wht"));
        var other = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("who"));
        var client = await fixture.TenantClientAsync(tenant);
        var stranger = await fixture.TenantClientAsync(other);
        var port = WebhookReceiver.FreePort();

        var created = await client.PostAsJsonAsync("/api/webhooks", new { url = $"http://127.0.0.1:{port}/in", eventTypes = new[] { "payment.*" }, description = "billing" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var webhook = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = webhook.GetProperty("id").GetString()!;
        var secret = webhook.GetProperty("secret").GetString()!;
        webhook.GetProperty("owner").GetString().ShouldBe("tenant");
        webhook.GetProperty("tenantId").GetString().ShouldBe(tenant);
        secret.ShouldStartWith("whsec_");
        var othersHook = await stranger.PostAsJsonAsync("/api/webhooks", new { url = $"http://127.0.0.1:{WebhookReceiver.FreePort()}/in" });
        othersHook.StatusCode.ShouldBe(HttpStatusCode.Created);

        // Only its own: the other tenant neither sees nor touches it, nor subscribes in its name.
        (await client.GetFromJsonAsync<JsonElement>("/api/webhooks")).GetProperty("webhooks").EnumerateArray().Select(w => w.GetProperty("id").GetString()).ShouldBe([id]);
        (await stranger.GetAsync($"/api/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await stranger.DeleteAsync($"/api/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await stranger.PostAsJsonAsync("/api/webhooks", new { url = "https://hooks.example/in", tenantId = tenant })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var badUrl = await client.PostAsJsonAsync("/api/webhooks", new { url = "ftp://hooks.example/in" });
        badUrl.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badUrl.Content.ReadAsStringAsync()).ShouldContain("http or https");
        (await client.PostAsJsonAsync("/api/webhooks", new { url = "https://hooks.example/in", eventTypes = new[] { "cap.exploded" } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        await using var receiver = await WebhookReceiver.StartAsync(port, secret);
        await PayAsync(tenant, "wh-pay-1");
        await PayAsync(other, "wh-pay-other");
        var first = await Eventually.Until(() => Task.FromResult(receiver.Received()), r => r.Count >= 1, TimeSpan.FromSeconds(30), "payment.received");
        first[0].Verified.ShouldBeTrue();
        first[0].Type.ShouldBe("payment.received");
        first[0].Data.GetProperty("tenantId").GetString().ShouldBe(tenant);
        first[0].Data.GetProperty("reference").GetString().ShouldBe("wh-pay-1");

        // Rotation: the new secret is shown once; requests carry both signatures, so a receiver on either verifies.
        var rotated = await (await client.PostAsync($"/api/webhooks/{id}/rotate-secret", null)).Content.ReadFromJsonAsync<JsonElement>();
        var next = rotated.GetProperty("secret").GetString()!;
        next.ShouldNotBe(secret);
        rotated.TryGetProperty("previousSecretExpiresAt", out _).ShouldBeTrue();
        await receiver.StopAsync();
        await using var both = await WebhookReceiver.StartAsync(port, secret, next);
        await PayAsync(tenant, "wh-pay-2");
        var second = await Eventually.Until(() => Task.FromResult(both.Received()), r => r.Count >= 1, TimeSpan.FromSeconds(30), "payment.received after rotation");
        second[0].Signatures.ShouldBe(2);
        second[0].Secrets.ShouldBe([0, 1]);

        // The delivery log and a replay with the same webhook-id.
        var log = (await client.GetFromJsonAsync<JsonElement>($"/api/webhooks/{id}/deliveries")).GetProperty("deliveries").EnumerateArray().ToList();
        log.Count.ShouldBe(2);
        log.ShouldAllBe(d => d.GetProperty("status").GetString() == "delivered" && d.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32() == 204);
        var firstId = first[0].Id!;
        log.Select(d => d.GetProperty("deliveryId").GetString()).ShouldContain(firstId);
        (await client.PostAsync($"/api/webhooks/{id}/deliveries/{firstId}/replay", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Eventually.Until(() => Task.FromResult(both.Received().Count(r => r.Id == firstId)), n => n == 1, TimeSpan.FromSeconds(30), "the replay");
        var replayed = await client.GetFromJsonAsync<JsonElement>($"/api/webhooks/{id}/deliveries/{firstId}");
        replayed.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("replay").GetBoolean()).ShouldBe([false, true]);

        // Audited under the acting key, without the secret.
        var audit = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/audit?tenant={tenant}");
        var actions = audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        actions.ShouldContain("webhook_subscribed");
        actions.ShouldContain("webhook_secret_rotated");
        audit.GetRawText().ShouldNotContain("whsec_");

        (await client.DeleteAsync($"/api/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync($"/api/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // The other tenant's endpoint (same URL) never received this tenant's payments.
        both.Received().Concat(receiver.Received()).ShouldAllBe(r => r.Data.GetProperty("tenantId").GetString() == tenant);
    }

    private async Task PayAsync(string tenant, string reference)
    {
        var response = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/payments",
            new { amount = 10, currency = "CNY", receivedAt = Epoch.UtcNow.AddMinutes(-1), method = "bank-transfer", reference });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }
}
