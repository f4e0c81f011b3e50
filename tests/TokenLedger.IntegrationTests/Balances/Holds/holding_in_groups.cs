using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using Xunit.Abstractions;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>
/// Placements for many tenants at once are committed in groups (HoldDesk's group commit): each tenant still gets exactly
/// what it can pay, and a requestId sent twice at once is one hold.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class holding_in_groups(LedgerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task twenty_tenants_placing_at_once_each_get_exactly_what_they_can_pay()
    {
        var op = fixture.Operator;
        var book = await UnitBookAsync(op);
        var tenants = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => TenantAsync(op, book, wallet: 5)));
        var clients = Enumerable.Range(0, 16).Select(_ => fixture.App.Client()).ToList();

        var start = new TaskCompletionSource();
        var asks = Enumerable.Range(0, 240).Select(async i =>
        {
            await start.Task;
            var tenant = tenants[i % tenants.Length];
            using var response = await HoldAsync(clients[i % clients.Count], tenant, $"req-{tenant}-{i}", maxInput: 1);
            return (Tenant: tenant, response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }).ToList();
        start.SetResult();
        var outcomes = await Task.WhenAll(asks);
        output.WriteLine($"240 holds over 20 tenants: {outcomes.Count(o => o.StatusCode == HttpStatusCode.Created)} granted");

        foreach (var tenant in tenants)
        {
            var mine = outcomes.Where(o => o.Tenant == tenant).ToList();
            mine.Count(o => o.StatusCode == HttpStatusCode.Created).ShouldBe(5, tenant);
            mine.Where(o => o.StatusCode != HttpStatusCode.Created)
                .ShouldAllBe(o => o.StatusCode == HttpStatusCode.PaymentRequired && o.Body.GetProperty("reason").GetString() == "insufficient-funds");
            var holds = await op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds");
            (holds.GetProperty("held").GetDecimal(), holds.GetProperty("available").GetDecimal(), holds.GetProperty("holds").GetArrayLength()).ShouldBe((5m, 0m, 5));
        }
    }

    [Fact]
    public async Task the_same_request_id_sent_twice_at_once_beside_other_tenants_is_one_hold()
    {
        var op = fixture.Operator;
        var book = await UnitBookAsync(op);
        var tenants = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TenantAsync(op, book, wallet: 10)));
        var clients = Enumerable.Range(0, 8).Select(_ => fixture.App.Client()).ToList();

        var start = new TaskCompletionSource();
        var asks = Enumerable.Range(0, 16).Select(async i =>
        {
            await start.Task;
            var tenant = tenants[i % tenants.Length];
            using var response = await HoldAsync(clients[i % clients.Count], tenant, $"twice-{tenant}-{i / 8}", maxInput: 1);
            return (Tenant: tenant, response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>(),
                Replayed: response.Headers.TryGetValues("Idempotent-Replayed", out var v) && v.Contains("true"));
        }).ToList();
        start.SetResult();
        var outcomes = await Task.WhenAll(asks);

        outcomes.ShouldAllBe(o => o.StatusCode == HttpStatusCode.Created);
        foreach (var tenant in tenants)
        {
            var mine = outcomes.Where(o => o.Tenant == tenant).ToList();
            // Two requestIds per tenant, each sent twice: two holds, each answered once and replayed once.
            mine.Select(o => o.Body.GetProperty("holdId").GetString()).Distinct().Count().ShouldBe(2, tenant);
            mine.Count(o => o.Replayed).ShouldBe(2, tenant);
            var holds = await op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds");
            holds.GetProperty("holds").GetArrayLength().ShouldBe(2, tenant);
        }
    }
}
