using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Webhooks.Delivering;

namespace TokenLedger.IntegrationTests.Webhooks;

/// <summary>
/// A replay claims its delivery: concurrent replays of one delivery send it once (one 202, the others 409), a replay
/// sent again with its Idempotency-Key gets the same answer without a send, and each later replay request sends once.
/// The receiver holds every answer for 4 s, so each replay's attempt is still in flight while the others arrive.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class replaying_a_delivery_concurrently(WebhookFixture fixture)
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task concurrent_replays_of_one_delivery_send_it_once_and_every_later_replay_request_sends_it_once()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("whrp"));
        var client = await fixture.TenantClientAsync(tenant);
        var port = WebhookReceiver.FreePort();
        var created = await client.PostAsJsonAsync("/api/webhooks", new { url = $"http://127.0.0.1:{port}/in", eventTypes = new[] { "payment.*" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var webhook = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = webhook.GetProperty("id").GetString()!;
        await using var receiver = await WebhookReceiver.StartAsync(port, Slow, webhook.GetProperty("secret").GetString()!);

        var paid = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/payments",
            new { amount = 10, currency = "CNY", receivedAt = Epoch.UtcNow.AddMinutes(-1), method = "bank-transfer", reference = $"{tenant}-pay" });
        paid.StatusCode.ShouldBe(HttpStatusCode.Created, await paid.Content.ReadAsStringAsync());
        var deliveryId = (await Eventually.Until(() => Task.FromResult(receiver.Received()), r => r.Count >= 1, TimeSpan.FromSeconds(30), "payment.received"))[0].Id!;
        await DeliveredAsync(client, id, deliveryId, attempts: 1);

        // Six replays at once, each with its own key: one claims the delivery, the others find it claimed.
        var keys = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var answers = await Task.WhenAll(keys.Select(key => ReplayAsync(client, id, deliveryId, key)));
        answers.Count(a => a.StatusCode == HttpStatusCode.Accepted).ShouldBe(1, string.Join(", ", answers.Select(a => (int)a.StatusCode)));
        answers.Count(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
        var winner = keys[Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.Accepted)];
        foreach (var loser in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
            (await loser.Content.ReadAsStringAsync()).ShouldContain("replay");

        // The winner's key again while its attempt is in flight: the same 202, replayed, nothing sent.
        var again = await ReplayAsync(client, id, deliveryId, winner);
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);

        await DeliveredAsync(client, id, deliveryId, attempts: 2);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Copies(receiver, deliveryId).ShouldBe(2, "the first delivery and one replay");

        // Once that replay was attempted, a new replay request sends once more.
        (await ReplayAsync(client, id, deliveryId, Guid.NewGuid().ToString())).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var log = await DeliveredAsync(client, id, deliveryId, attempts: 3);
        log.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("replay").GetBoolean()).ShouldBe([false, true, true]);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Copies(receiver, deliveryId).ShouldBe(3);
        receiver.Received().ShouldAllBe(r => r.Verified);

        // The claim itself: two sessions that read the delivery at the same version cannot both store it.
        var store = fixture.App.Host.Services.GetRequiredService<IDocumentStore>();
        await using var first = store.LightweightSession();
        await using var second = store.LightweightSession();
        var documentId = WebhookDelivery.DocumentId(id, deliveryId);
        var a = (await first.LoadAsync<WebhookDelivery>(documentId))!;
        var b = (await second.LoadAsync<WebhookDelivery>(documentId))!;
        first.Store(a.Replayed(Epoch.Now));
        second.Store(b.Replayed(Epoch.Now));
        await first.SaveChangesAsync();
        await Should.ThrowAsync<JasperFx.ConcurrencyException>(() => second.SaveChangesAsync());
    }

    private static async Task<HttpResponseMessage> ReplayAsync(HttpClient client, string webhookId, string deliveryId, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{webhookId}/deliveries/{deliveryId}/replay");
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static Task<JsonElement> DeliveredAsync(HttpClient client, string webhookId, string deliveryId, int attempts) =>
        Eventually.Until(() => client.GetFromJsonAsync<JsonElement>($"/api/webhooks/{webhookId}/deliveries/{deliveryId}"),
            d => d.GetProperty("status").GetString() == "delivered" && d.GetProperty("attempts").GetArrayLength() == attempts,
            TimeSpan.FromSeconds(60), $"{deliveryId} delivered after {attempts} attempts");

    private static int Copies(WebhookReceiver receiver, string deliveryId) => receiver.Received().Count(r => r.Id == deliveryId);
}
