using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Usage;

/// <summary>One poison item (text PostgreSQL refuses, or an item whose commit keeps failing) never stalls ingest.</summary>
[Collection(LedgerCollection.Name)]
public sealed class surviving_poison_usage(LedgerFixture fixture)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task a_nul_event_id_over_amqp_is_dead_lettered_and_the_queue_keeps_draining()
    {
        var tenant = LedgerFixture.NewTenantId("nul");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var valid = UsageSamples.Events(tenant, 40, at);
        var poison = valid[0] with { EventId = $"{tenant}-\u0000" };
        var surrogate = UsageSamples.ToJson(valid[0] with { EventId = "LONE" }).Replace("LONE", $"{tenant}-\\ud800");

        await fixture.Broker.PublishAsync(UsageSamples.ToJson(new object[] { valid[0], poison, valid[1] }));
        await fixture.Broker.PublishAsync(UsageSamples.ToJson(poison));
        await fixture.Broker.PublishAsync(surrogate);
        foreach (var chunk in valid.Skip(2).Chunk(5)) await fixture.Broker.PublishAsync(UsageSamples.ToJson(chunk));

        await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1), UsageSamples.Totals(valid));
        await Eventually.Until(() => fixture.Broker.MessageCountAsync(UsageContract.QueueName), n => n == 0, what: "the usage queue to drain");
        var letters = await DeadLettersAsync(l => l.EventId == poison.EventId || l.Payload.Contains($"{tenant}-\\ud800"), 3);
        letters.Count(l => l.EventId == poison.EventId && l.Reason == "eventId must not contain control characters").ShouldBe(2);
        letters.ShouldContain(l => l.EventId == poison.EventId && l.Index == 1);
        letters.ShouldContain(l => l.EventId == null && l.Reason == "eventId is not valid Unicode text");
    }

    [Fact]
    public async Task a_nul_or_lone_surrogate_event_id_over_http_is_refused_per_item_and_its_neighbours_recorded()
    {
        var tenant = LedgerFixture.NewTenantId("nulhttp");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var valid = UsageSamples.Events(tenant, 2, at);
        var body = UsageSamples.ToJson(new object[] { valid[0], valid[0] with { EventId = "NUL\u0000" }, valid[0] with { EventId = "LONE" }, valid[1] })
            .Replace("\"LONE\"", "\"lone-\\udc00\"");

        var response = await fixture.Operator.PostAsync("/api/usage", Json(body));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("status").GetString()).ShouldBe(["accepted", "rejected", "rejected", "accepted"]);
        items[1].GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("eventId");
        items[1].GetProperty("errors")[0].GetProperty("message").GetString().ShouldBe("eventId must not contain control characters");
        items[2].GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("eventId");
        (await UsageSamples.QueryAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1))).Models.ShouldBe(UsageSamples.Totals(valid));
    }

    [Fact]
    public async Task an_item_whose_commit_postgresql_keeps_refusing_is_split_off_and_dead_lettered_over_amqp_and_http()
    {
        var tenant = LedgerFixture.NewTenantId("split");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var valid = UsageSamples.Events(tenant, 6, at);
        var amqpPoison = valid[0] with { EventId = $"poison-{tenant}-amqp" };
        var httpPoison = valid[0] with { EventId = $"poison-{tenant}-http" };
        await using var trigger = await PoisonTrigger.InstallAsync(fixture.Servers.Postgres);

        await fixture.Broker.PublishAsync(UsageSamples.ToJson(new object[] { valid[0], amqpPoison, valid[1] }));
        await fixture.Broker.PublishAsync(UsageSamples.ToJson(valid.Skip(2).Take(2)));
        var response = await fixture.Operator.PostAsync("/api/usage", Json(UsageSamples.ToJson(new object[] { valid[4], httpPoison, valid[5] })));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("status").GetString()).ShouldBe(["accepted", "rejected", "accepted"]);
        items[1].GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("PostgreSQL refused it (22023: test poison");
        await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1), UsageSamples.Totals(valid));
        await Eventually.Until(() => fixture.Broker.MessageCountAsync(UsageContract.QueueName), n => n == 0, what: "the usage queue to drain");
        var letter = (await DeadLettersAsync(l => l.EventId == amqpPoison.EventId, 1)).Single();
        letter.Index.ShouldBe(1);
        letter.Reason.ShouldContain("the ledger could not store this item: PostgreSQL refused it (22023");
        letter.Payload.ShouldContain(amqpPoison.EventId);
        (await trigger.RejectedAsync(tenant)).ShouldBe(2);
    }

    private async Task<List<UsageDeadLetterV1>> DeadLettersAsync(Func<UsageDeadLetterV1, bool> match, int count)
    {
        var seen = new List<UsageDeadLetterV1>();
        await Eventually.Until(async () =>
        {
            foreach (var message in await fixture.Broker.DrainAsync(UsageContract.DeadLetterQueueName))
                seen.Add(JsonSerializer.Deserialize<UsageDeadLetterV1>(message.Body.Span, UsageSamples.Json)!);
            return seen.Count(match);
        }, n => n >= count, TimeSpan.FromSeconds(30), $"{count} matching dead letters");
        return seen.Where(match).ToList();
    }

    /// <summary>A real refusal by PostgreSQL, every time, for event ids starting with "poison-": a stand-in for any poison still unknown.</summary>
    private sealed class PoisonTrigger(string connectionString) : IAsyncDisposable
    {
        public static async Task<PoisonTrigger> InstallAsync(string connectionString)
        {
            await ExecuteAsync(connectionString, """
                create or replace function tokenledger.tl_test_poison() returns trigger language plpgsql as $$
                begin
                  if new.event_id like 'poison-%' then raise exception 'test poison %', new.event_id using errcode = '22023'; end if;
                  return new;
                end $$;
                drop trigger if exists tl_test_poison on tokenledger.usage_event_ids;
                create trigger tl_test_poison before insert on tokenledger.usage_event_ids for each row execute function tokenledger.tl_test_poison();
                """);
            return new PoisonTrigger(connectionString);
        }

        public async Task<long> RejectedAsync(string tenant)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select count(*) from tokenledger.rejected_usage where event_id like @pattern and reason like '%22023%'", connection);
            command.Parameters.AddWithValue("pattern", $"poison-{tenant}-%");
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public ValueTask DisposeAsync() => new(ExecuteAsync(connectionString, "drop trigger if exists tl_test_poison on tokenledger.usage_event_ids"));

        private static async Task ExecuteAsync(string connectionString, string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
