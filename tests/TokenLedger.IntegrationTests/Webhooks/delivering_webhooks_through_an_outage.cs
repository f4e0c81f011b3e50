using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using Xunit.Abstractions;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Webhooks;

/// <summary>
/// A receiver built on the standardwebhooks library goes down for 2 minutes in the middle of a burst of credit-limit
/// signals; once back, every signal the ledger put on RabbitMQ arrives, exactly once per webhook-id, every signature
/// valid. An endpoint that never answers is retried beside it without delaying it, then disabled and reported.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class delivering_webhooks_through_an_outage(WebhookFixture fixture, ITestOutputHelper output)
{
    private const int TenantsPerWave = 8;

    [Fact]
    public async Task every_signal_of_a_burst_arrives_once_per_webhook_id_after_a_two_minute_outage_with_valid_signatures()
    {
        var book = await UnitPriceBookAsync(fixture);
        var signals = await fixture.Broker.BindSignalQueueAsync("tenant.#");
        // The receiver needs the secrets and the subscriptions its URL: reserve the port, subscribe, then start it.
        var port = WebhookReceiver.FreePort();
        var url = $"http://127.0.0.1:{port}/hooks";
        var (live, liveSecret) = await CreateAsync(url, ["credit-limit.*"]);
        var (dead, _) = await CreateAsync($"http://127.0.0.1:{WebhookReceiver.FreePort()}/never", ["credit-limit.*"]);
        var (reports, reportsSecret) = await CreateAsync(url, ["webhook.disabled"]);
        await using var receiver = await WebhookReceiver.StartAsync(port, liveSecret, reportsSecret);

        // Wave 1 with the receiver up: it hears every signal promptly although the dead endpoint fails beside it.
        var tenants = new List<string>();
        var wave1 = await WaveAsync(book, tenants);
        var expected = await SignalIdsAsync(signals, tenants, wave1.Count * 2);
        var firstWave = Stopwatch.StartNew(); // from the moment all of wave 1 is on RabbitMQ
        try
        {
            await Eventually.Until(() => Task.FromResult(VerifiedSignalIds(receiver).Count), n => n >= expected.Count, TimeSpan.FromSeconds(30), "wave 1 delivered");
        }
        catch (TimeoutException)
        {
            output.WriteLine($"live: {JsonSerializer.Serialize(await DeliveriesAsync(live))}");
            output.WriteLine($"dead: {JsonSerializer.Serialize(await DeliveriesAsync(dead))}");
            output.WriteLine($"received: {JsonSerializer.Serialize(receiver.Received())}");
            foreach (var e in fixture.App.Logs.Entries) output.WriteLine($"{e.Level} {e.Category}: {e.Message}");
            throw;
        }
        output.WriteLine($"wave 1: {expected.Count} signals delivered at most {firstWave.ElapsedMilliseconds} ms after the last was on RabbitMQ, beside a dead endpoint");

        // The receiver goes down for 2 minutes in the middle of the burst: waves 2 and 3 are raised while it is down.
        await receiver.StopAsync();
        var down = Stopwatch.StartNew();
        await WaveAsync(book, tenants);
        await Task.Delay(TimeSpan.FromSeconds(50));
        await WaveAsync(book, tenants);
        await Task.Delay(TimeSpan.FromMinutes(2) - down.Elapsed);
        await receiver.StartAsync();
        var back = Stopwatch.StartNew();

        expected.UnionWith(await SignalIdsAsync(signals, tenants, tenants.Count * 2, expected));
        await Eventually.Until(() => Task.FromResult(VerifiedSignalIds(receiver).Count), n => n >= expected.Count, TimeSpan.FromSeconds(90),
            $"all {expected.Count} signals delivered after the outage");
        output.WriteLine($"after the outage: all {expected.Count} signals of {tenants.Count} tenants delivered {back.ElapsedMilliseconds} ms after the receiver came back");

        var received = receiver.Received().Where(r => r.Type != "webhook.disabled").ToList();
        received.ShouldAllBe(r => r.Verified && r.Secrets.SequenceEqual(new[] { 0 }));
        var byId = received.GroupBy(r => r.Id!).ToList();
        byId.Count.ShouldBe(expected.Count);
        byId.ShouldAllBe(g => g.Select(r => r.Data.GetProperty("signalId").GetString()).Distinct().Count() == 1);
        byId.Select(g => g.First().Data.GetProperty("signalId").GetString()!).ToHashSet().SetEquals(expected).ShouldBeTrue();
        output.WriteLine($"{received.Count} requests for {byId.Count} webhook-ids ({received.Count - byId.Count} repeats, dropped by id)");

        var log = await DeliveriesAsync(live);
        log.ShouldAllBe(d => d.GetProperty("status").GetString() == "delivered");
        var retried = log.Where(d => d.GetProperty("attempts").GetArrayLength() > 1).ToList();
        retried.Count.ShouldBeGreaterThan(0);
        retried.ShouldAllBe(d => d.GetProperty("attempts").EnumerateArray().First().GetProperty("statusCode").ValueKind == JsonValueKind.Null);
        output.WriteLine($"{retried.Count} deliveries needed retries, up to {retried.Max(d => d.GetProperty("attempts").GetArrayLength())} attempts");

        // The dead endpoint exhausts the schedule, is disabled, visible as such, and reported to the operator's subscription.
        var disabled = await Eventually.Until(() => fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/webhooks/{dead}"),
            w => w.GetProperty("status").GetString() == "disabled", TimeSpan.FromMinutes(4), "the dead endpoint disabled");
        disabled.GetProperty("disabledReason").GetString()!.ShouldContain($"failed all {WebhookFixture.RetrySchedule.Length + 1} attempts");
        // (Other tests' dead endpoints are reported too: the operator subscription hears of every one.)
        var report = await Eventually.Until(() => Task.FromResult(receiver.Received().Where(r => r.Type == "webhook.disabled").ToList()),
            r => r.Any(e => e.Data.GetProperty("webhookId").GetString() == dead), TimeSpan.FromSeconds(30), "the webhook.disabled report");
        report.ShouldAllBe(r => r.Verified && r.Secrets.SequenceEqual(new[] { 1 }));
        report.Count(r => r.Data.GetProperty("webhookId").GetString() == dead).ShouldBe(1);
        fixture.App.Logs.Entries.ShouldContain(e => e.Message.Contains($"Webhook {dead}") && e.Message.Contains("disabled"));
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/webhooks/{reports}")).GetProperty("status").GetString().ShouldBe("enabled");
    }

    private async Task<(string Id, string Secret)> CreateAsync(string url, string[] types)
    {
        var response = await fixture.Operator.PostAsJsonAsync("/api/webhooks", new { url, eventTypes = types });
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    /// <summary>New tenants with a credit limit of 100, each sent past 80% and then past 100%: a warning and a reached each.</summary>
    private async Task<List<string>> WaveAsync(string book, List<string> all)
    {
        var wave = new List<string>();
        for (var i = 0; i < TenantsPerWave; i++)
        {
            var tenant = await TenantAsync(fixture, book, "whb");
            (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = 100 })).EnsureSuccessStatusCode();
            wave.Add(tenant);
        }
        await PostUsageAsync(fixture, wave.Select(t => UsageOf(t, 85)).ToList());
        foreach (var tenant in wave) await FundedAsync(fixture, tenant, 1);
        await PostUsageAsync(fixture, wave.Select(t => UsageOf(t, 20)).ToList());
        foreach (var tenant in wave) await FundedAsync(fixture, tenant, 2);
        all.AddRange(wave);
        return wave;
    }

    /// <summary>The signal ids the ledger put on RabbitMQ for these tenants: the ground truth the webhooks must match.</summary>
    private async Task<HashSet<string>> SignalIdsAsync(string queue, IReadOnlyCollection<string> tenants, int count, HashSet<string>? seen = null)
    {
        var ids = new HashSet<string>(seen ?? []);
        await Eventually.Until(async () =>
        {
            foreach (var message in await fixture.Broker.DrainAsync(queue))
            {
                var body = JsonDocument.Parse(Encoding.UTF8.GetString(message.Body.Span)).RootElement;
                if (tenants.Contains(body.GetProperty("tenantId").GetString())) ids.Add(body.GetProperty("signalId").GetString()!);
            }
            return ids.Count;
        }, n => n >= count, TimeSpan.FromSeconds(60), $"{count} signals on RabbitMQ");
        return ids;
    }

    private static HashSet<string> VerifiedSignalIds(WebhookReceiver receiver) =>
        receiver.Received().Where(r => r.Verified && r.Type != "webhook.disabled").Select(r => r.Data.GetProperty("signalId").GetString()!).ToHashSet();

    private async Task<List<JsonElement>> DeliveriesAsync(string webhookId) =>
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/webhooks/{webhookId}/deliveries?limit=1000")).GetProperty("deliveries").EnumerateArray().ToList();
}
