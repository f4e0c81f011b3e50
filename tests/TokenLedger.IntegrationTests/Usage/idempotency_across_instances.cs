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
        await using var broker = await Broker.ConnectAsync(servers.RabbitMq);
        var tenant = LedgerFixture.NewTenantId("pair");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var events = UsageSamples.Events(tenant, 2000, at);
        var resent = events.Where((_, i) => i % 10 == 0).ToList();

        foreach (var message in events.Concat(resent).Chunk(1)) await broker.PublishAsync(UsageSamples.ToJson(message[0]));
        foreach (var chunk in events.Chunk(100)) await broker.PublishAsync(UsageSamples.ToJson(chunk));

        var expected = UsageSamples.Totals(events);
        await UsageSamples.EventuallyEqualAsync(first.Client(), tenant, at.AddMinutes(-1), at.AddMinutes(1), expected);
        await Eventually.Until(() => broker.MessageCountAsync(UsageContract.QueueName), n => n == 0, what: "the queue to drain");
        await Task.Delay(1000);
        (await UsageSamples.QueryAsync(second.Client(), tenant, at.AddMinutes(-1), at.AddMinutes(1))).Models.ShouldBe(expected);
    }

    [Fact]
    public async Task events_recorded_before_a_restart_are_still_duplicates_after_it()
    {
        await using var servers = await TestServers.StartAsync();
        await using var broker = await Broker.ConnectAsync(servers.RabbitMq);
        var tenant = LedgerFixture.NewTenantId("restart");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
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

        await using var after = await LedgerHost.StartAsync(servers);
        await Eventually.Until(() => broker.MessageCountAsync(UsageContract.QueueName), n => n == 0, what: "the queue to drain after restart");
        await Task.Delay(1000);
        (await UsageSamples.QueryAsync(after.Client(), tenant, at.AddMinutes(-1), at.AddMinutes(1))).Models.ShouldBe(expected);
    }
}
