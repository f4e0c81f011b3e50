using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Receivables.Dunning;
using static TokenLedger.IntegrationTests.Receivables.ReceivablesScenario;

namespace TokenLedger.IntegrationTests.Receivables;

[Collection(LedgerCollection.Name)]
public sealed class dunning_tenants(LedgerFixture fixture)
{
    [Fact]
    public async Task each_step_runs_once_the_suspension_and_reinstatement_signals_reach_a_real_queue_once()
    {
        var tenant = await TenantAsync(fixture, "dun", "Asia/Shanghai");
        var queue = await fixture.Broker.BindSignalQueueAsync($"tenant.{tenant}.*");
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        // Due in the future, so the scheduled run (at the real time) never touches it; the test runs the ladder at chosen instants.
        var due = SystemClock.Instance.GetCurrentInstant().InZone(zone).Date.PlusDays(10);
        var invoice = await InvoiceAsync(fixture, tenant, "2026-D", 100m, due);
        var runner = fixture.App.Host.Services.GetServices<IHostedService>().OfType<DunningRunner>().Single();
        Instant Day(int days) => due.PlusDays(days).AtStartOfDayInZone(zone).ToInstant() + Duration.FromHours(1);

        await runner.RunOnceAsync(Day(6), CancellationToken.None);
        (await EventTypesAsync(fixture, tenant)).ShouldBeEmpty();
        await runner.RunOnceAsync(Day(7), CancellationToken.None);
        await runner.RunOnceAsync(Day(7), CancellationToken.None);
        await runner.RunOnceAsync(Day(21), CancellationToken.None);
        // Two instances at the same moment: the stream version lets one of them take the step.
        await Task.WhenAll(runner.RunOnceAsync(Day(30), CancellationToken.None), runner.RunOnceAsync(Day(30), CancellationToken.None));
        await runner.RunOnceAsync(Day(31), CancellationToken.None);

        (await EventTypesAsync(fixture, tenant)).ShouldBe(
            ["dunning_step_taken", "dunning_step_taken", "dunning_step_taken", "tenant_suspended", "receivables_signal_raised"]);
        var suspended = await CollectAsync(queue, 1);
        suspended.ShouldHaveSingleItem().Routing.ShouldBe($"tenant.{tenant}.suspended");
        suspended[0].Body.GetProperty("action").GetString().ShouldBe("refuse");
        suspended[0].Body.GetProperty("subject").GetString().ShouldBe("receivables");

        (await PayAsync(fixture, tenant, 100m, "DUN-PAY", invoice.Number)).EnsureSuccessStatusCode();
        var reinstated = await CollectAsync(queue, 1);
        await runner.RunOnceAsync(Day(32), CancellationToken.None);
        await Task.Delay(2000);

        reinstated.AddRange(await DrainAsync(queue));
        reinstated.ShouldHaveSingleItem().Routing.ShouldBe($"tenant.{tenant}.reinstated");
        reinstated[0].Body.GetProperty("action").GetString().ShouldBe("resume");
        (await EventTypesAsync(fixture, tenant)).Count(t => t == "tenant_reinstated").ShouldBe(1);
    }

    private async Task<List<(string Routing, JsonElement Body)>> CollectAsync(string queue, int count)
    {
        var collected = new List<(string, JsonElement)>();
        await Eventually.Until(async () => { collected.AddRange(await DrainAsync(queue)); return collected.Count; }, n => n >= count,
            TimeSpan.FromSeconds(30), $"{count} signals");
        return collected;
    }

    private async Task<List<(string Routing, JsonElement Body)>> DrainAsync(string queue) =>
        (await fixture.Broker.DrainAsync(queue)).Select(m => (m.RoutingKey, JsonDocument.Parse(Encoding.UTF8.GetString(m.Body.Span)).RootElement)).ToList();
}
