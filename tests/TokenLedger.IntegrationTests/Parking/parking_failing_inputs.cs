using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;
using TokenLedger.Balances.Funding;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Parking;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Parking;

/// <summary>
/// One tenant's usage cannot be decided (a test-only <see cref="IDecisionFaults"/> makes the Funding decider throw for
/// that tenant's usage while the switch is on): it is parked with its reason, the tenant's later usage is held behind it,
/// every other tenant is funded, and a retry after the cause is gone decides both, once.
/// </summary>
public sealed class parking_failing_inputs
{
    /// <summary>Throws, while <see cref="Failing"/>, for every decision of <see cref="Tenant"/>'s rated usage by the Funding subscription.</summary>
    private sealed class UsageOfOneTenantFails(string tenant) : IDecisionFaults
    {
        public string Tenant { get; } = tenant;
        public volatile bool Failing = true;
        public int Calls;

        public void BeforeDeciding(string subscription, string accountId, object input)
        {
            if (subscription != FundingSubscription.Key || accountId != Tenant || input is not RatedUsageBatch || !Failing) return;
            Interlocked.Increment(ref Calls);
            throw new InvalidOperationException($"injected: usage of {Tenant} cannot be decided");
        }
    }

    [Fact]
    public async Task a_failing_input_is_parked_the_others_are_funded_and_a_retry_decides_it_and_the_held_input_once()
    {
        await using var servers = await TestServers.StartAsync();
        var bad = LedgerFixture.NewTenantId("bad");
        var faults = new UsageOfOneTenantFails(bad);
        await using var host = await LedgerHost.StartAsync(servers, services: s => s.AddSingleton<IDecisionFaults>(faults));
        var client = host.Client();
        var book = LedgerFixture.NewTenantId("unit");
        (await client.PutAsJsonAsync($"/api/price-books/{book}", new
        {
            currency = "CNY", effectiveFrom = Epoch.LongAgo,
            prices = new[] { new { model = Model, inputPerMillion = "1000000", cachedInputPerMillion = "1000000", cacheWritePerMillion = "1000000", outputPerMillion = "1000000" } },
        })).EnsureSuccessStatusCode();
        var good = new[] { LedgerFixture.NewTenantId("good"), LedgerFixture.NewTenantId("good") };
        foreach (var tenant in good.Append(bad))
        {
            (await client.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = tenant, retailPriceBookId = book })).EnsureSuccessStatusCode();
            (await client.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 100, currency = "CNY" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // One request, so one rated batch holds all three tenants: the bad one must not stop the others.
        await PostAsync(client, [UsageOf(good[0], 10), UsageOf(good[1], 20), UsageOf(bad, 30)]);
        await PostAsync(client, [UsageOf(bad, 5)]);
        foreach (var (tenant, wallet) in new[] { (good[0], 90m), (good[1], 80m) })
            (await FundedAsync(client, tenant, 1)).Dec("wallet").ShouldBe(wallet);
        // Clock ticks of that account, if it had anything due, would be held as well: only the two usage inputs are asserted.
        var parked = (await Eventually.Until(() => ListAsync(client), rows => rows.Count(IsUsage) == 2, what: "the parked and the held input"))
            .Where(IsUsage).ToList();

        var first = parked[0];
        first.GetProperty("status").GetString().ShouldBe(ParkedStatus.Parked);
        first.GetProperty("subscription").GetString().ShouldBe(FundingSubscription.Key);
        first.GetProperty("accountId").GetString().ShouldBe(bad);
        first.GetProperty("attempts").GetInt32().ShouldBe(5);
        first.GetProperty("exceptionType").GetString().ShouldBe(typeof(InvalidOperationException).FullName);
        first.GetProperty("reason").GetString().ShouldBe($"injected: usage of {bad} cannot be decided");
        first.GetProperty("eventType").GetString().ShouldBe("usage_batch_rated");
        var id = first.GetProperty("id").GetString()!;
        parked[1].GetProperty("status").GetString().ShouldBe(ParkedStatus.Held);
        parked[1].GetProperty("heldBehind").GetString().ShouldBe(id);
        host.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains(bad) && e.Message.Contains("injected"));
        (await BalanceAsync(client, bad)).Dec("wallet").ShouldBe(100m);
        (await client.PostAsync($"/api/operator/parked/{parked[1].GetProperty("id").GetString()}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        // While the cause is there, a retry parks it again with the attempts counted.
        var again = await RetryAsync(client, id);
        (again.GetProperty("status").GetString(), again.GetProperty("attempts").GetInt32(), again.GetProperty("retries").GetInt32())
            .ShouldBe((ParkedStatus.Parked, 10, 1));

        faults.Failing = false;
        var decided = await RetryAsync(client, id);
        decided.GetProperty("status").GetString().ShouldBe(ParkedStatus.Decided);
        decided.GetProperty("retriedBy").GetString().ShouldStartWith("admin:");
        (await FundedAsync(client, bad, 2)).Dec("wallet").ShouldBe(65m);
        (await ListAsync(client)).ShouldBeEmpty();
        var decidedRows = await client.GetFromJsonAsync<List<JsonElement>>("/api/operator/parked?status=decided");
        decidedRows!.Where(IsUsage).Select(r => r.GetProperty("status").GetString()).ShouldBe([ParkedStatus.Decided, ParkedStatus.Decided]);

        // Retrying what was decided records nothing and decides nothing again.
        (await RetryAsync(client, id)).GetProperty("retries").GetInt32().ShouldBe(2);
        await PostAsync(client, [UsageOf(bad, 1)]);
        var balance = await FundedAsync(client, bad, 3);
        balance.Dec("wallet").ShouldBe(64m);
        balance.GetProperty("totals").GetProperty("fundedEvents").GetInt64().ShouldBe(3);
        (await RetryStreamLengthAsync(servers, id)).ShouldBe(2);
    }

    private static bool IsUsage(JsonElement row) => row.GetProperty("eventType").GetString() == "usage_batch_rated";

    private static async Task PostAsync(HttpClient client, IReadOnlyCollection<TokenLedger.Contracts.Usage.UsageEventV1> events) =>
        (await client.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

    private static async Task<JsonElement> BalanceAsync(HttpClient client, string tenant) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/balance");

    private static Task<JsonElement> FundedAsync(HttpClient client, string tenant, long events) =>
        Eventually.Until(() => BalanceAsync(client, tenant), b => b.GetProperty("totals").GetProperty("fundedEvents").GetInt64() >= events,
            TimeSpan.FromSeconds(60), $"{tenant} funded {events} events");

    private static async Task<List<JsonElement>> ListAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<List<JsonElement>>("/api/operator/parked"))!;

    private static async Task<JsonElement> RetryAsync(HttpClient client, string id)
    {
        var response = await client.PostAsync($"/api/operator/parked/{id}/retry", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<long> RetryStreamLengthAsync(TestServers servers, string id)
    {
        await using var db = NpgsqlDataSource.Create(servers.Postgres);
        await using var command = db.CreateCommand("select count(*) from tokenledger.mt_events where stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = ParkedStreams.For(id) });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
