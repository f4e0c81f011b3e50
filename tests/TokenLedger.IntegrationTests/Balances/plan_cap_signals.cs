using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using TokenLedger.Contracts.Signals;
using TokenLedger.IntegrationTests.Fixtures;
using Wolverine.Configuration;
using Wolverine.Runtime;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Balances;

[Collection(LedgerCollection.Name)]
public sealed class plan_cap_signals(LedgerFixture fixture)
{
    private async Task<string> PlanAsync(string policy, long requestsPer5h)
    {
        var plan = LedgerFixture.NewTenantId("coding");
        (await fixture.Operator.PutAsJsonAsync($"/api/plans/{plan}", new
        {
            name = "Coding Plan Lite", currency = "CNY", monthlyFee = 40, introFee = 9.9, introMonths = 2, models = new[] { Model },
            caps = new object[] { new { window = "rolling-5h", unit = "requests", limit = requestsPer5h }, new { window = "month", unit = "tokens", limit = 1_000_000 } },
            overagePolicy = policy,
        })).EnsureSuccessStatusCode();
        return plan;
    }

    [Fact]
    public void signals_leave_through_the_durable_outbox_so_a_crash_after_the_relay_commits_cannot_lose_one()
    {
        var runtime = fixture.App.Host.Services.GetRequiredService<IWolverineRuntime>();
        var exchange = runtime.Options.Transports.AllEndpoints().Single(e => e.Uri == new Uri($"rabbitmq://exchange/{GatewaySignals.ExchangeName}"));
        exchange.Mode.ShouldBe(EndpointMode.Durable);
    }

    [Fact]
    public async Task reaching_80_and_100_percent_of_a_cap_sends_each_signal_once_to_a_real_consumer()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "coder");
        var plan = await PlanAsync("block", requestsPer5h: 10);
        var queue = await fixture.Broker.BindSignalQueueAsync($"tenant.{tenant}.#");
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan })).EnsureSuccessStatusCode();

        await PostUsageAsync(fixture, Enumerable.Range(0, 8).Select(_ => UsageOf(tenant, 100)).ToList());
        await FundedAsync(fixture, tenant, 8);
        await PostUsageAsync(fixture, Enumerable.Range(0, 2).Select(_ => UsageOf(tenant, 100)).ToList());
        await FundedAsync(fixture, tenant, 10);
        await PostUsageAsync(fixture, Enumerable.Range(0, 3).Select(_ => UsageOf(tenant, 100)).ToList());
        var balance = await FundedAsync(fixture, tenant, 13);

        var signals = await CollectAsync(queue, 2);
        await Task.Delay(2000);
        signals.AddRange(await DrainSignalsAsync(queue));

        signals.Select(s => s.Routing).ShouldBe([$"tenant.{tenant}.cap-warning", $"tenant.{tenant}.cap-reached"]);
        var reached = signals[1].Body;
        reached.GetProperty("subject").GetString().ShouldBe("rolling-5h:requests");
        reached.GetProperty("action").GetString().ShouldBe("refuse");
        reached.GetProperty("planId").GetString().ShouldBe(plan);
        // The plan paid for the first 10 requests; the 3 beyond the cap fell through to postpaid (block policy).
        balance.Dec("totals.planCovered").ShouldBe(1000m);
        balance.Dec("postpaid.unbilled").ShouldBe(300m + 9.9m);
        balance.GetProperty("totals").GetProperty("overCapEvents").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task a_credit_limit_reached_signal_recovers_after_a_top_up()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "limit");
        var queue = await fixture.Broker.BindSignalQueueAsync($"tenant.{tenant}.*");
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = 100 })).EnsureSuccessStatusCode();

        await PostUsageAsync(fixture, [UsageOf(tenant, 120)]);
        await FundedAsync(fixture, tenant, 1);
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 120, currency = "CNY" })).EnsureSuccessStatusCode();

        var signals = await CollectAsync(queue, 2);
        signals.Select(s => s.Body.GetProperty("signal").GetString()).ShouldBe(["credit-limit-reached", "credit-limit-recovered"]);
        signals[1].Body.GetProperty("action").GetString().ShouldBe("resume");
    }

    private async Task<List<(string Routing, JsonElement Body)>> CollectAsync(string queue, int count)
    {
        var collected = new List<(string, JsonElement)>();
        await Eventually.Until(async () => { collected.AddRange(await DrainSignalsAsync(queue)); return collected.Count; }, n => n >= count,
            TimeSpan.FromSeconds(30), $"{count} signals");
        return collected;
    }

    private async Task<List<(string Routing, JsonElement Body)>> DrainSignalsAsync(string queue) =>
        (await fixture.Broker.DrainAsync(queue)).Select(m => (m.RoutingKey, JsonDocument.Parse(Encoding.UTF8.GetString(m.Body.Span)).RootElement)).ToList();
}
