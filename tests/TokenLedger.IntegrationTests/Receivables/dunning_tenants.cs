using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NodaTime;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Receivables;
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
        var due = Epoch.Now.InZone(zone).Date.PlusDays(10);
        var invoice = await InvoiceAsync(fixture, tenant, "D", 100m, due);
        var runner = fixture.App.Host.Services.GetServices<IHostedService>().OfType<DunningRunner>().Single();
        Instant Day(int days) => due.PlusDays(days).AtStartOfDayInZone(zone).ToInstant() + Duration.FromHours(1);

        await runner.RunOnceAsync(Day(6), CancellationToken.None);
        (await EventTypesAsync(fixture, tenant)).ShouldBeEmpty();
        await runner.RunOnceAsync(Day(7), CancellationToken.None);
        await runner.RunOnceAsync(Day(7), CancellationToken.None);
        await runner.RunOnceAsync(Day(21), CancellationToken.None);
        // Two instances at the same moment: a second service instance on the same database, and both runners released
        // together for the same instant. The stream version lets one of them take the step; the other decides again.
        // Its own scheduled pass is off: run at the real time, it would see no overdue invoice and reinstate the tenant.
        await using (var other = await LedgerHost.StartAsync(fixture.Servers, new Dictionary<string, string> { ["TokenLedger:Dunning:Interval"] = "00:00:00" }))
        {
            var otherRunner = other.Host.Services.GetServices<IHostedService>().OfType<DunningRunner>().Single();
            otherRunner.ShouldNotBeSameAs(runner);
            using var start = new Barrier(2);
            await Task.WhenAll(new[] { runner, otherRunner }.Select(r => Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30)).ShouldBeTrue("the two runners were not released together");
                return r.RunOnceAsync(Day(30), CancellationToken.None);
            })));
        }
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

    [Fact]
    public async Task a_tenant_whose_receivables_stream_keeps_conflicting_is_given_up_with_a_warning_naming_it()
    {
        var tenant = await TenantAsync(fixture, "dunx", "Asia/Shanghai");
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var due = Epoch.Now.InZone(zone).Date.PlusDays(10);
        await InvoiceAsync(fixture, tenant, "X", 100m, due);
        var runner = fixture.App.Host.Services.GetServices<IHostedService>().OfType<DunningRunner>().Single();
        var reminderDue = due.PlusDays(7).AtStartOfDayInZone(zone).ToInstant() + Duration.FromHours(1);
        // Every append to this tenant's receivables stream fails the way a concurrent writer's does (a unique violation).
        var trigger = $"conflict_{tenant.Replace('-', '_')}";
        await SqlAsync($"""
            create function tokenledger.{trigger}() returns trigger language plpgsql as $$
            begin raise exception 'a concurrent writer (test)' using errcode = 'unique_violation'; end $$;
            create trigger {trigger} before insert on tokenledger.mt_events for each row
            when (new.stream_id = '{ReceivableStreams.For(tenant)}') execute function tokenledger.{trigger}();
            """);
        try
        {
            await runner.RunOnceAsync(reminderDue, CancellationToken.None);
        }
        finally
        {
            await SqlAsync($"drop trigger {trigger} on tokenledger.mt_events; drop function tokenledger.{trigger}();");
        }

        (await EventTypesAsync(fixture, tenant)).ShouldBeEmpty();
        var warning = fixture.App.Logs.At(LogLevel.Warning, typeof(DunningRunner).FullName!)
            .Where(e => Equals(e.State.GetValueOrDefault("TenantId"), tenant)).ShouldHaveSingleItem();
        warning.State["Attempts"].ShouldBe(DunningRunner.MaxAttempts);
        warning.Message.ShouldContain("gave up");
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Servers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
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
