using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Usage;

/// <summary>GET /api/operator/dead-letters: every refused item on any channel, counted once per delivery of a distinct item.</summary>
[Collection(LedgerCollection.Name)]
public sealed class reading_dead_letters(LedgerFixture fixture)
{
    private const string NegativeInput = "inputTokens must be between # and #";

    [Fact]
    public async Task refused_items_are_counted_by_channel_and_reason_with_the_newest_samples_and_a_redelivery_counts_once()
    {
        // Refusals published by the tests before this one (same collection, same queue) may still be committing:
        // open the window once they have, so that it counts only this test's items.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var since = Epoch.UtcNow;
        var tenant = LedgerFixture.NewTenantId("dl");
        var at = Epoch.UtcNow.AddMinutes(-5);
        string Negative(int n) =>
            $"{{\"eventId\":\"{tenant}-neg-{n}\",\"occurredAt\":\"{at:O}\",\"tenantId\":\"{tenant}\",\"model\":\"m\",\"inputTokens\":-{n},\"cachedInputTokens\":0,\"outputTokens\":1}}";
        var mixed = $"[{Negative(1)},{UsageSamples.ToJson(UsageSamples.Events(tenant, 1, at)[0])},{Negative(2)},{Negative(3)}]";

        await fixture.Broker.PublishAsync(mixed);
        await fixture.Broker.PublishAsync("{\"eventId\": \"broken");
        await PostAsync($"[{Negative(4)}]");

        var report = await Eventually.Until(() => ReadAsync(since), r => r.GetProperty("total").GetInt64() >= 5, TimeSpan.FromSeconds(30), "five dead letters");
        report.GetProperty("total").GetInt64().ShouldBe(5);
        report.GetProperty("byChannel").GetProperty("amqp").GetInt64().ShouldBe(4);
        report.GetProperty("byChannel").GetProperty("http").GetInt64().ShouldBe(1);
        var negative = Reason(report, NegativeInput);
        negative.GetProperty("count").GetInt64().ShouldBe(4);
        negative.GetProperty("field").GetString().ShouldBe("inputTokens");
        negative.GetProperty("example").GetString().ShouldBe("inputTokens must be between 0 and 1000000000");
        Reason(report, "message is not valid JSON").GetProperty("count").GetInt64().ShouldBe(1);
        var recent = report.GetProperty("recent").EnumerateArray().ToList();
        recent.Select(s => s.TryGetProperty("eventId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null)
            .ShouldBe([$"{tenant}-neg-4", $"{tenant}-neg-1", $"{tenant}-neg-2", $"{tenant}-neg-3", null], ignoreOrder: true);
        recent.Single(s => s.GetProperty("eventId").ValueKind == JsonValueKind.Null).GetProperty("sample").GetString().ShouldBe("{\"eventId\": \"broken");
        recent.First(s => s.GetProperty("eventId").GetString() == $"{tenant}-neg-2").GetProperty("index").GetInt32().ShouldBe(2);

        // The same message again (as after a crash before the ack) adds nothing; items without an eventId have no
        // identity and count each time. The marker, published last on the same queue, shows the redelivery was read.
        await fixture.Broker.PublishAsync(mixed);
        await fixture.Broker.PublishAsync($"[{Negative(5)}]");
        await PostAsync("[{\"tenantId\":\"x\"}]");
        await PostAsync("[{\"tenantId\":\"x\"}]");

        var after = await Eventually.Until(() => ReadAsync(since), r => r.GetProperty("total").GetInt64() >= 8, TimeSpan.FromSeconds(30), "eight dead letters");
        after.GetProperty("total").GetInt64().ShouldBe(8);
        Reason(after, NegativeInput).GetProperty("count").GetInt64().ShouldBe(5);
        Reason(after, "eventId is required").GetProperty("count").GetInt64().ShouldBe(2);
        after.GetProperty("otherReasons").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task the_window_is_half_open_and_bad_bounds_are_refused()
    {
        var report = await ReadAsync(Epoch.UtcNow.AddYears(-20), Epoch.UtcNow.AddYears(-19));
        report.GetProperty("total").GetInt64().ShouldBe(0);
        report.GetProperty("reasons").GetArrayLength().ShouldBe(0);

        (await fixture.Operator.GetAsync("/api/operator/dead-letters?since=yesterday")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await fixture.Operator.GetAsync($"/api/operator/dead-letters?since={fixture.MonthsAgo(3).Period}-02T00:00:00Z&until={fixture.MonthsAgo(3).Period}-01T00:00:00Z")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var tenantKey = await fixture.TenantClientAsync(await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("dlk")));
        (await tenantKey.GetAsync("/api/operator/dead-letters")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private static JsonElement Reason(JsonElement report, string startsWith) =>
        report.GetProperty("reasons").EnumerateArray().Single(r => r.GetProperty("reason").GetString()!.StartsWith(startsWith, StringComparison.Ordinal));

    private async Task PostAsync(string body) =>
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(body, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

    private Task<JsonElement> ReadAsync(DateTimeOffset since, DateTimeOffset? until = null) =>
        fixture.Operator.GetFromJsonAsync<JsonElement>(
            $"/api/operator/dead-letters?since={Uri.EscapeDataString(since.ToString("O"))}{(until is { } u ? $"&until={Uri.EscapeDataString(u.ToString("O"))}" : "")}");
}
