using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using Xunit.Abstractions;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>Never overdrawn: a tenant that can pay for exactly 100 requests gets exactly 100 holds out of 250 concurrent asks.</summary>
[Collection(LedgerCollection.Name)]
public sealed class holding_under_concurrency(LedgerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task a_tenant_that_can_pay_exactly_100_requests_gets_100_grants_and_150_refusals()
    {
        var op = fixture.Operator;
        var tenant = await TenantAsync(op, await UnitBookAsync(op), wallet: 100);
        var clients = Enumerable.Range(0, 8).Select(_ => fixture.App.Client()).ToList();

        var outcomes = await ConcurrentHoldsAsync(clients, tenant, 250, maxInput: 1);
        output.WriteLine($"250 concurrent holds, one instance: {Percentiles(outcomes.Select(o => o.Took))}");

        outcomes.Count(o => o.Status == HttpStatusCode.Created).ShouldBe(100);
        outcomes.Where(o => o.Status != HttpStatusCode.Created).ShouldAllBe(o => o.Status == HttpStatusCode.PaymentRequired && o.Reason() == "insufficient-funds");
        outcomes.Where(o => o.Status == HttpStatusCode.Created).ShouldAllBe(o => o.Body.GetProperty("amount").GetDecimal() == 1m && o.Body.GetProperty("source").GetString() == "wallet");
        var holds = await op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds");
        (holds.GetProperty("held").GetDecimal(), holds.GetProperty("available").GetDecimal(), holds.GetProperty("holds").GetArrayLength()).ShouldBe((100m, 0m, 100));
        var balance = await Eventually.Until(() => BalanceAsync(op, tenant), b => b.GetProperty("holds").GetProperty("open").GetInt32() == 100, TimeSpan.FromSeconds(30), "funding to read the holds");
        (balance.GetProperty("holds").GetProperty("held").GetDecimal(), balance.GetProperty("holds").GetProperty("available").GetDecimal()).ShouldBe((100m, 0m));
    }

    [Fact]
    public async Task a_plan_cap_of_100_requests_gives_100_plan_holds_and_150_cap_refusals()
    {
        var op = fixture.Operator;
        var tenant = await TenantAsync(op, await UnitBookAsync(op), wallet: 1000);
        var plan = LedgerFixture.NewTenantId("cap100");
        (await op.PutAsJsonAsync($"/api/plans/{plan}", new
        {
            name = "Cap 100", currency = "CNY", monthlyFee = 0, models = new[] { Model },
            caps = new object[] { new { window = "rolling-5h", unit = "requests", limit = 100 } }, overagePolicy = "block",
        })).EnsureSuccessStatusCode();
        (await op.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan })).EnsureSuccessStatusCode();
        await Eventually.Until(() => BalanceAsync(op, tenant), b => b.GetProperty("plan").ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30), "the subscription");
        var clients = Enumerable.Range(0, 8).Select(_ => fixture.App.Client()).ToList();

        var outcomes = await ConcurrentHoldsAsync(clients, tenant, 250, maxInput: 1);

        outcomes.Count(o => o.Status == HttpStatusCode.Created).ShouldBe(100);
        outcomes.Where(o => o.Status == HttpStatusCode.Created).ShouldAllBe(o => o.Body.GetProperty("source").GetString() == "plan");
        outcomes.Where(o => o.Status != HttpStatusCode.Created).ShouldAllBe(o => o.Status == HttpStatusCode.PaymentRequired && o.Reason() == "cap-reached");
        var holds = await op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds");
        (holds.GetProperty("held").GetDecimal(), holds.GetProperty("holds").GetArrayLength()).ShouldBe((0m, 100));
    }

    [Fact]
    public async Task hold_latency_over_a_sequential_loop()
    {
        var op = fixture.Operator;
        var tenant = await TenantAsync(op, await UnitBookAsync(op), wallet: 100_000);
        var took = new List<TimeSpan>();
        for (var i = 0; i < 300; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var response = await HoldAsync(op, tenant, $"seq-{i}", maxInput: 100, maxOutput: 100);
            took.Add(watch.Elapsed);
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
        }
        output.WriteLine($"sequential holds (after 20 warm-up): {Percentiles(took.Skip(20))}");
        var holds = await op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds");
        holds.GetProperty("held").GetDecimal().ShouldBe(300 * 200m);
    }
}
