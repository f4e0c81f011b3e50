using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Usage;

[Collection(LedgerCollection.Name)]
public sealed class recording_usage_over_amqp(LedgerFixture fixture)
{
    [Fact]
    public async Task raw_json_objects_and_arrays_from_a_plain_amqp_client_are_counted_exactly()
    {
        var tenant = LedgerFixture.NewTenantId("amqp");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var events = UsageSamples.Events(tenant, 300, at);
        foreach (var single in events.Take(100)) await fixture.Broker.PublishAsync(UsageSamples.ToJson(single), contentType: null);
        foreach (var chunk in events.Skip(100).Chunk(40)) await fixture.Broker.PublishAsync(UsageSamples.ToJson(chunk));

        var report = await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1), UsageSamples.Totals(events));
        report.Models.ShouldBe(UsageSamples.Totals(events));
    }

    [Fact]
    public async Task an_invalid_item_goes_to_the_dead_letter_queue_with_its_reason_and_its_valid_neighbours_are_recorded()
    {
        var tenant = LedgerFixture.NewTenantId("dlq");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var valid = UsageSamples.Events(tenant, 3, at);
        var invalid = $"{{\"eventId\":\"{tenant}-neg\",\"occurredAt\":\"{at:O}\",\"tenantId\":\"{tenant}\",\"model\":\"m\",\"inputTokens\":-5,\"cachedInputTokens\":0,\"outputTokens\":1}}";
        var body = $"[{UsageSamples.ToJson(valid[0])},{invalid},{UsageSamples.ToJson(valid[1])},{UsageSamples.ToJson(valid[2])}]";

        await fixture.Broker.PublishAsync(body);

        await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1), UsageSamples.Totals(valid));
        var letter = await WaitForDeadLetterAsync(l => l.EventId == $"{tenant}-neg");
        letter.Index.ShouldBe(1);
        letter.Reason.ShouldBe("inputTokens must be between 0 and 1000000000");
        letter.Errors.Single().Field.ShouldBe("inputTokens");
        letter.Payload.ShouldContain("\"inputTokens\":-5");
    }

    [Theory]
    [InlineData("{\"eventId\": \"broken", "application/json", "not valid JSON")]
    [InlineData("[1, 2]", "application/json", "item must be a JSON object")]
    [InlineData("{\"eventId\":\"x\"}", "text/plain", "content type 'text/plain' is not supported")]
    public async Task a_bad_message_is_dead_lettered_with_a_precise_reason(string body, string contentType, string reason)
    {
        var marker = Guid.NewGuid().ToString("N");
        await fixture.Broker.PublishAsync(body.Replace("\"x\"", $"\"{marker}\""), contentType);
        var letter = await WaitForDeadLetterAsync(l => l.Reason.Contains(reason) && (body.Contains("\"x\"") ? l.Payload.Contains(marker) : true));
        letter.Reason.ShouldContain(reason);
    }

    [Fact]
    public async Task the_same_event_sent_by_amqp_and_by_http_counts_once()
    {
        var tenant = LedgerFixture.NewTenantId("both");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var events = UsageSamples.Events(tenant, 20, at);
        await fixture.Broker.PublishAsync(UsageSamples.ToJson(events));
        await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1), UsageSamples.Totals(events));

        var response = await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"));
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32().ShouldBe(20);
        (await UsageSamples.QueryAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1))).Models.ShouldBe(UsageSamples.Totals(events));
    }

    [Fact]
    public async Task a_redelivered_message_counts_once()
    {
        var tenant = LedgerFixture.NewTenantId("redeliver");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var events = UsageSamples.Events(tenant, 10, at);
        var body = Encoding.UTF8.GetBytes(UsageSamples.ToJson(events));
        var messageId = Guid.NewGuid().ToString();

        await fixture.Broker.PublishAsync(body, messageId: messageId);
        await fixture.Broker.PublishAsync(body, messageId: messageId);
        await fixture.Broker.PublishAsync(body, messageId: null);

        await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1), UsageSamples.Totals(events));
        await Eventually.Until(() => fixture.Broker.MessageCountAsync(UsageContract.QueueName), n => n == 0, what: "the usage queue to drain");
        await Task.Delay(500);
        (await UsageSamples.QueryAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1))).Models.ShouldBe(UsageSamples.Totals(events));
    }

    [Fact]
    public async Task usage_for_an_unregistered_tenant_is_flagged_in_the_transaction_that_records_it()
    {
        var tenant = LedgerFixture.NewTenantId("ghost");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var events = UsageSamples.Events(tenant, 7, at);
        await fixture.Broker.PublishAsync(UsageSamples.ToJson(events));

        // Once the usage is queryable its summary is too: both are written by the transaction that records it.
        await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1), UsageSamples.Totals(events));
        var flagged = await fixture.Operator.GetFromJsonAsync<List<JsonElement>>("/api/operator/unknown-tenants");
        var summary = flagged!.Single(s => s.GetProperty("id").GetString() == tenant);
        summary.GetProperty("events").GetInt64().ShouldBe(7);
        summary.GetProperty("totalTokens").GetInt64().ShouldBe(events.Sum(e => e.InputTokens + e.CachedInputTokens + e.CacheWriteTokens + e.OutputTokens));

        await fixture.RegisterTenantAsync(tenant);
        var after = await fixture.Operator.GetFromJsonAsync<List<JsonElement>>("/api/operator/unknown-tenants");
        after!.ShouldNotContain(s => s.GetProperty("id").GetString() == tenant);
    }

    [Fact]
    public async Task an_unknown_tenants_summary_adds_up_every_batch_and_spans_its_earliest_and_latest_usage()
    {
        var tenant = LedgerFixture.NewTenantId("summary");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Epoch.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds());
        var first = UsageSamples.Events(tenant, 4, at, seed: 3);
        var late = UsageSamples.Events(tenant, 3, at.AddMinutes(-30), seed: 4);
        var all = first.Concat(late).ToList();
        await fixture.Broker.PublishAsync(UsageSamples.ToJson(first));
        await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1), UsageSamples.Totals(first));
        await fixture.Broker.PublishAsync(UsageSamples.ToJson(late));
        await fixture.Broker.PublishAsync(UsageSamples.ToJson(first[0]));

        var flagged = await Eventually.Until(
            () => fixture.Operator.GetFromJsonAsync<List<JsonElement>>("/api/operator/unknown-tenants"),
            list => list!.Any(s => s.GetProperty("id").GetString() == tenant && s.GetProperty("events").GetInt64() == all.Count),
            TimeSpan.FromSeconds(60), "the summary to count both batches");

        var summary = flagged!.Single(s => s.GetProperty("id").GetString() == tenant);
        summary.GetProperty("totalTokens").GetInt64().ShouldBe(all.Sum(e => e.InputTokens + e.CachedInputTokens + e.CacheWriteTokens + e.OutputTokens));
        summary.GetProperty("firstOccurredAt").GetDateTimeOffset().ShouldBe(all.Min(e => e.OccurredAt));
        summary.GetProperty("lastOccurredAt").GetDateTimeOffset().ShouldBe(all.Max(e => e.OccurredAt));
        summary.GetProperty("lastRecordedAt").GetDateTimeOffset().ShouldBeGreaterThan(summary.GetProperty("lastOccurredAt").GetDateTimeOffset());
    }

    private async Task<UsageDeadLetterV1> WaitForDeadLetterAsync(Func<UsageDeadLetterV1, bool> match)
    {
        var seen = new List<UsageDeadLetterV1>();
        return await Eventually.Until(async () =>
        {
            foreach (var message in await fixture.Broker.DrainAsync(UsageContract.DeadLetterQueueName))
            {
                var letter = JsonSerializer.Deserialize<UsageDeadLetterV1>(message.Body.Span, UsageSamples.Json)!;
                var header = message.BasicProperties.Headers?["x-tokenledger-reason"];
                Encoding.UTF8.GetString((byte[])header!).ShouldBe(letter.Reason);
                seen.Add(letter);
            }
            return seen.FirstOrDefault(match);
        }, letter => letter is not null, TimeSpan.FromSeconds(30), "a matching dead letter") ?? throw new InvalidOperationException();
    }
}
