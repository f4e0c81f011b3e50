using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>A hold from placement to its end: settled by its usage, voided, or expired; each end once, each in the ledger.</summary>
[Collection(LedgerCollection.Name)]
public sealed class hold_lifecycle(LedgerFixture fixture)
{
    private HttpClient Op => fixture.Operator;

    private async Task PostUsageAsync(string tenant, string requestId, long input, string? eventId = null)
    {
        var usage = new UsageEventV1(eventId ?? $"{tenant}-{Guid.NewGuid():N}", Epoch.UtcNow, tenant, Model, input, 0, 0, RequestId: requestId);
        var response = await Op.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(new[] { usage }), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().ShouldBe(1);
    }

    private Task<JsonElement> HistoryUntilAsync(string tenant, string holdId, string status) =>
        Eventually.Until(() => Op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds/{holdId}"), h => h.GetProperty("status").GetString() == status,
            TimeSpan.FromSeconds(30), $"hold {holdId} {status}");

    private static string[] Types(JsonElement history) => [.. history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];

    private static JsonElement Data(JsonElement history, string type) =>
        history.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == type).GetProperty("data");

    [Fact]
    public async Task usage_with_the_request_id_settles_the_hold_once_charging_the_actual_and_releasing_the_rest()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 100);
        var placed = await HoldAsync(Op, tenant, "chat-1", maxInput: 10);
        placed.StatusCode.ShouldBe(HttpStatusCode.Created);
        var hold = await placed.Content.ReadFromJsonAsync<JsonElement>();
        var holdId = hold.GetProperty("holdId").GetString()!;
        placed.Headers.Location!.ToString().ShouldBe($"/api/tenants/{tenant}/holds/{holdId}");
        (hold.GetProperty("amount").GetDecimal(), hold.GetProperty("currency").GetString(), hold.GetProperty("source").GetString()).ShouldBe((10m, "CNY", "wallet"));

        await PostUsageAsync(tenant, "chat-1", 7);
        await PostUsageAsync(tenant, "chat-1", 7);

        var history = await HistoryUntilAsync(tenant, holdId, "settled");
        var balance = await AccountScenario.FundedAsync(fixture, tenant, 2);
        Types(history).ShouldBe(["hold_placed", "hold_settled"]);
        var settled = Data(history, "hold_settled");
        (settled.GetProperty("held").GetDecimal(), settled.GetProperty("charged").GetDecimal(), settled.GetProperty("released").GetDecimal()).ShouldBe((10m, 7m, 3m));
        balance.GetProperty("wallet").GetDecimal().ShouldBe(86m, "the second usage with the same requestId is simply charged");
        (balance.GetProperty("holds").GetProperty("open").GetInt32(), balance.GetProperty("holds").GetProperty("available").GetDecimal()).ShouldBe((0, 86m));

        var audit = await Op.GetFromJsonAsync<JsonElement>($"/api/audit?tenant={tenant}");
        var actions = audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        actions.ShouldContain("hold_placed");
        actions.ShouldContain("hold_settled");
    }

    [Fact]
    public async Task usage_without_a_hold_is_simply_charged()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 100);
        await PostUsageAsync(tenant, "never-held", 7);
        var balance = await AccountScenario.FundedAsync(fixture, tenant, 1);
        (balance.GetProperty("wallet").GetDecimal(), balance.GetProperty("holds").GetProperty("open").GetInt32()).ShouldBe((93m, 0));
    }

    [Fact]
    public async Task a_voided_hold_is_released_and_voiding_again_answers_the_same()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 10);
        var holdId = (await (await HoldAsync(Op, tenant, "chat-void", maxInput: 10)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("holdId").GetString()!;
        (await HoldAsync(Op, tenant, "chat-other", maxInput: 1)).StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);

        var voided = await Op.DeleteAsync($"/api/tenants/{tenant}/holds/{holdId}");
        voided.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await voided.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("voided");
        (await Op.DeleteAsync($"/api/tenants/{tenant}/holds/{holdId}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var history = await HistoryUntilAsync(tenant, holdId, "released");
        Types(history).ShouldBe(["hold_placed", "hold_voided", "hold_released"]);
        Data(history, "hold_released").GetProperty("reason").GetString().ShouldBe("voided");
        (await Op.DeleteAsync($"/api/tenants/{tenant}/holds/{holdId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await HoldAsync(Op, tenant, "chat-other", maxInput: 10)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Op.DeleteAsync($"/api/tenants/{tenant}/holds/hold-unknown")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task an_expired_hold_is_released_by_the_sweeper()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 10);
        var placed = await (await HoldAsync(Op, tenant, "chat-expiring", maxInput: 10, ttlSeconds: 1)).Content.ReadFromJsonAsync<JsonElement>();
        var holdId = placed.GetProperty("holdId").GetString()!;

        var history = await HistoryUntilAsync(tenant, holdId, "released");

        Types(history).ShouldBe(["hold_placed", "hold_expired", "hold_released"]);
        Data(history, "hold_released").GetProperty("reason").GetString().ShouldBe("expired");
        (await HoldAsync(Op, tenant, "chat-after", maxInput: 10)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task the_same_request_id_replays_the_same_hold()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 10);
        var first = await HoldAsync(Op, tenant, "chat-replay", maxInput: 6);
        var again = await HoldAsync(Op, tenant, "chat-replay", maxInput: 6);
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await again.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        (await Op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds")).GetProperty("held").GetDecimal().ShouldBe(6m);

        var otherBody = await HoldAsync(Op, tenant, "chat-replay", maxInput: 7);
        otherBody.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await otherBody.Content.ReadAsStringAsync()).ShouldContain("different body");
        using var topUp = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenant}/top-ups")
        {
            Content = JsonContent.Create(new { amount = "1", currency = "CNY", reference = $"bank-{tenant}-2" }),
            Headers = { { "Idempotency-Key", "chat-top-up" } },
        };
        (await Op.SendAsync(topUp)).EnsureSuccessStatusCode();
        var otherOperation = await Op.PostAsJsonAsync($"/api/tenants/{tenant}/holds", new { requestId = "chat-top-up", model = Model, maxInputTokens = 1, maxOutputTokens = 0 });
        otherOperation.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, "the key was kept for the top-up");
        (await Op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds")).GetProperty("held").GetDecimal().ShouldBe(6m);
    }

    [Fact]
    public async Task a_refused_hold_keeps_no_key_and_the_same_request_id_is_granted_after_a_top_up()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 5);
        (await HoldAsync(Op, tenant, "chat-later", maxInput: 8)).StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        (await Op.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = "5", currency = "CNY", reference = $"more-{tenant}" })).EnsureSuccessStatusCode();
        await Eventually.Until(() => BalanceAsync(Op, tenant), b => b.GetProperty("wallet").GetDecimal() == 10m, TimeSpan.FromSeconds(30), "the top-up funded");

        var granted = await HoldAsync(Op, tenant, "chat-later", maxInput: 8);

        granted.StatusCode.ShouldBe(HttpStatusCode.Created);
        granted.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
    }

    [Fact]
    public async Task bad_input_and_keys_outside_their_scope_are_refused_with_reasons()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 10);
        var bad = await Op.PostAsJsonAsync($"/api/tenants/{tenant}/holds", new { requestId = "bad-1", model = Model, maxInputTokens = -1, maxOutputTokens = 0, ttlSeconds = 7200 });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("MaxInputTokens", out _).ShouldBeTrue();
        errors.TryGetProperty("TtlSeconds", out _).ShouldBeTrue();

        var tenantKey = await fixture.TenantClientAsync(tenant);
        (await HoldAsync(tenantKey, tenant, "t-1", maxInput: 1)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var scoped = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "gateway", tenants = new[] { "someone-else" } });
        (await HoldAsync(scoped, tenant, "s-1", maxInput: 1)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var mine = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "gateway", tenants = new[] { tenant } });
        (await HoldAsync(mine, tenant, "s-2", maxInput: 1)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await HoldAsync(Op, "no-such-tenant", "n-1", maxInput: 1)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
