using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Usage;

/// <summary>Each test owns its servers (database and virtual host), because it stops and starts service instances.</summary>
public sealed class idempotency_across_instances
{
    [Fact]
    public async Task two_service_instances_consuming_the_same_queue_count_every_event_exactly_once()
    {
        await using var servers = await TestServers.StartAsync();
        await using var first = await LedgerHost.StartAsync(servers);
        await using var second = await LedgerHost.StartAsync(servers);
        using var counts = new IngestCounts(first, second);
        await using var broker = await Broker.ConnectAsync(servers.RabbitMq);
        var tenant = LedgerFixture.NewTenantId("pair");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var events = UsageSamples.Events(tenant, 2000, at);
        var resent = events.Where((_, i) => i % 10 == 0).ToList();
        // Both instances subscribed before the first message, so the broker hands messages to each of them.
        await Eventually.Until(() => broker.ConsumerCountAsync(UsageContract.QueueName), n => n >= 2, what: "both instances to consume");

        foreach (var message in events.Concat(resent).Chunk(1)) await broker.PublishAsync(UsageSamples.ToJson(message[0]));
        foreach (var chunk in events.Chunk(100)) await broker.PublishAsync(UsageSamples.ToJson(chunk));

        // Every published item decided by one instance or the other: after that nothing more can arrive.
        var published = events.Count + resent.Count + events.Count;
        await Eventually.Until(() => Task.FromResult(counts.DecidedByAll), n => n >= published, what: $"{published} items to be decided");
        await Eventually.Until(() => broker.MessageCountAsync(UsageContract.QueueName), n => n == 0, what: "the queue to drain");

        counts.DecidedByAll.ShouldBe(published);
        counts.Decided(0).ShouldBeGreaterThan(0, "the first instance consumed nothing");
        counts.Decided(1).ShouldBeGreaterThan(0, "the second instance consumed nothing");
        (counts.Accepted(0) + counts.Accepted(1)).ShouldBe(events.Count);
        (counts.Duplicates(0) + counts.Duplicates(1)).ShouldBe(resent.Count + events.Count);
        var expected = UsageSamples.Totals(events);
        (await UsageSamples.EventuallyEqualAsync(first.Client(), tenant, at.AddMinutes(-1), at.AddMinutes(1), expected)).Models.ShouldBe(expected);
        (await UsageSamples.EventuallyEqualAsync(second.Client(), tenant, at.AddMinutes(-1), at.AddMinutes(1), expected)).Models.ShouldBe(expected);
    }

    [Fact]
    public async Task events_recorded_before_a_restart_are_still_duplicates_after_it()
    {
        await using var servers = await TestServers.StartAsync();
        await using var broker = await Broker.ConnectAsync(servers.RabbitMq);
        var tenant = LedgerFixture.NewTenantId("restart");
        var at = Epoch.UtcNow.AddMinutes(-5);
        var events = UsageSamples.Events(tenant, 200, at);
        var expected = UsageSamples.Totals(events);

        await using (var before = await LedgerHost.StartAsync(servers))
        {
            await broker.PublishAsync(UsageSamples.ToJson(events));
            await UsageSamples.EventuallyEqualAsync(before.Client(), tenant, at.AddMinutes(-1), at.AddMinutes(1), expected);
        }

        await broker.PublishAsync(UsageSamples.ToJson(events));
        await broker.PublishAsync(UsageSamples.ToJson(events.Take(50)));
        (await broker.MessageCountAsync(UsageContract.QueueName)).ShouldBe(2u);

        using var counts = new IngestCounts();
        await using var after = await LedgerHost.StartAsync(servers);
        // All 250 items decided after the restart: nothing more will arrive, and none of them was new.
        await Eventually.Until(() => Task.FromResult(counts.Decided(0)), n => n >= 250, what: "250 items to be decided after restart");
        await Eventually.Until(() => broker.MessageCountAsync(UsageContract.QueueName), n => n == 0, what: "the queue to drain after restart");
        (counts.Duplicates(0), counts.Accepted(0), counts.Rejected(0)).ShouldBe((250L, 0L, 0L));
        (await UsageSamples.QueryAsync(after.Client(), tenant, at.AddMinutes(-1), at.AddMinutes(1))).Models.ShouldBe(expected);
    }
}
