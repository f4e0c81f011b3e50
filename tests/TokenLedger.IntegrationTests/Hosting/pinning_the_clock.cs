using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>
/// The host takes its IClock from dependency injection, so a test can pin time with NodaTime's FakeClock and move it,
/// whatever today's date is. Owns its servers, because the clock is the whole host's.
/// </summary>
public sealed class pinning_the_clock
{
    [Theory]
    [InlineData(2025)]
    [InlineData(2031)]
    public async Task usage_is_judged_by_the_pinned_clock_and_moving_the_clock_moves_the_future(int year)
    {
        var clock = new FakeClock(Instant.FromUtc(year, 3, 10, 4, 0));
        await using var servers = await TestServers.StartAsync();
        await using var app = await LedgerHost.StartAsync(servers, clock: clock);
        app.Host.Services.GetRequiredService<IClock>().ShouldBeSameAs(clock);
        var tenant = LedgerFixture.NewTenantId("clock");
        var tenMinutesOn = new DateTimeOffset(year, 3, 10, 12, 10, 0, TimeSpan.FromHours(8));

        var early = await PostAsync(app, tenant, "early", tenMinutesOn);
        clock.Advance(Duration.FromMinutes(10));
        var onTime = await PostAsync(app, tenant, "on-time", tenMinutesOn);

        // 10 minutes ahead of the pinned clock is beyond the 5 minutes allowed; once the clock moved it is in the past.
        Status(early).ShouldBe("rejected");
        early.GetProperty("items")[0].GetProperty("errors")[0].GetProperty("message").GetString().ShouldBe("occurredAt is in the future");
        Status(onTime).ShouldBe("accepted");
    }

    /// <summary>Marten stamps events (mt_events.timestamp: the audit, a hold's history) with the service's clock, not the database's now().</summary>
    [Fact]
    public async Task the_audit_shows_each_event_at_the_instant_of_the_pinned_clock()
    {
        var clock = new FakeClock(Epoch.Start);
        await using var servers = await TestServers.StartAsync();
        await using var app = await LedgerHost.StartAsync(servers, clock: clock);
        var tenant = LedgerFixture.NewTenantId("stamp");
        clock.Advance(Duration.FromMinutes(7));
        (await app.Client().PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Stamped" })).EnsureSuccessStatusCode();
        var registered = clock.GetCurrentInstant();
        clock.Advance(Duration.FromMinutes(1)); // the default interval ends at now, exclusive

        var audit = await app.Client().GetFromJsonAsync<JsonElement>($"/api/audit?tenant={tenant}");
        var entry = audit.GetProperty("entries").EnumerateArray().ShouldHaveSingleItem();
        entry.GetProperty("action").GetString().ShouldBe("tenant_registered");
        entry.GetProperty("at").GetString().ShouldBe(Epoch.Utc(registered));
    }

    private static async Task<JsonElement> PostAsync(LedgerHost app, string tenant, string id, DateTimeOffset occurredAt)
    {
        var body = $"[{{\"eventId\":\"{tenant}-{id}\",\"occurredAt\":\"{occurredAt:yyyy-MM-ddTHH:mm:sszzz}\",\"tenantId\":\"{tenant}\"," +
                   "\"model\":\"m\",\"inputTokens\":1,\"cachedInputTokens\":0,\"outputTokens\":1}]";
        var response = await app.Client().PostAsync("/api/usage", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string? Status(JsonElement result) => result.GetProperty("items")[0].GetProperty("status").GetString();
}
