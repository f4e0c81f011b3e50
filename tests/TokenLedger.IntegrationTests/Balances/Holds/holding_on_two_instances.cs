using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using Xunit.Abstractions;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>The per-tenant hold lock is in PostgreSQL, so two service instances on one database still grant exactly what the tenant can pay.</summary>
public sealed class holding_on_two_instances(ITestOutputHelper output)
{
    [Fact]
    public async Task two_instances_grant_exactly_100_of_250_concurrent_holds()
    {
        await using var servers = await TestServers.StartAsync();
        await using var first = await LedgerHost.StartAsync(servers);
        await using var second = await LedgerHost.StartAsync(servers);
        var op = first.Client();
        var tenant = await TenantAsync(op, await UnitBookAsync(op), wallet: 100);
        var clients = Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? first : second).Client()).ToList();

        var outcomes = await ConcurrentHoldsAsync(clients, tenant, 250, maxInput: 1);
        output.WriteLine($"250 concurrent holds, two instances: {Percentiles(outcomes.Select(o => o.Took))}");

        outcomes.Count(o => o.Status == HttpStatusCode.Created).ShouldBe(100);
        outcomes.Where(o => o.Status != HttpStatusCode.Created).ShouldAllBe(o => o.Status == HttpStatusCode.PaymentRequired && o.Reason() == "insufficient-funds");
        var fromSecond = await second.Client().GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds");
        (fromSecond.GetProperty("held").GetDecimal(), fromSecond.GetProperty("available").GetDecimal()).ShouldBe((100m, 0m));
    }
}
