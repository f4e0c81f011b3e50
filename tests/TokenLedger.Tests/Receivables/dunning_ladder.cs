using NodaTime;
using Shouldly;
using TokenLedger.Contracts.Signals;
using TokenLedger.Receivables;
using TokenLedger.Receivables.Dunning;
using TokenLedger.Tenants;

namespace TokenLedger.Tests.Receivables;

public sealed class dunning_ladder
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly LocalDate Due = new(2026, 7, 1);
    private static readonly OpenInvoice Invoice = new("TL-2026-000001", Due, "CNY", 100m, 0m);
    private static readonly DunningOptions Ladder = new() { ReminderDays = 7, FinalNoticeDays = 21, SuspensionDays = 30 };

    private static Instant DaysAfterDue(int days) => Due.PlusDays(days).AtStartOfDayInZone(Shanghai).ToInstant();

    private static ReceivablesContext Context(ReceivablesAccount account, Instant now, params OpenInvoice[] invoices) =>
        new(new Tenant("tenant:acme", "acme", "Acme", "Asia/Shanghai", "CNY", Instant.FromUtc(2026, 1, 1, 0, 0)), account, invoices, now);

    private static ReceivablesAccount Replay(IEnumerable<object> events) =>
        events.Aggregate(ReceivablesAccount.Empty("acme"), (a, e) => e switch
        {
            DunningStepTaken s => a.Apply(s), TenantSuspended s => a.Apply(s), TenantReinstated r => a.Apply(r), _ => a,
        });

    [Fact]
    public void each_step_is_taken_once_on_its_day_in_the_tenants_zone()
    {
        var history = new List<object>();
        var taken = new List<(int Day, string Step)>();
        foreach (var day in new[] { 6, 7, 7, 20, 21, 29, 30, 30, 45 })
        {
            var events = DunningLadder.Decide(Context(Replay(history), DaysAfterDue(day), Invoice), Ladder);
            history.AddRange(events);
            taken.AddRange(events.OfType<DunningStepTaken>().Select(s => (day, s.Step)));
        }

        taken.ShouldBe([(7, DunningSteps.Reminder), (21, DunningSteps.FinalNotice), (30, DunningSteps.Suspension)]);
        history.OfType<TenantSuspended>().ShouldHaveSingleItem();
        history.OfType<ReceivablesSignalRaised>().ShouldHaveSingleItem().Signal.RoutingKey.ShouldBe("tenant.acme.suspended");
        history.OfType<DunningStepTaken>().First().StepId.ShouldBe("acme:TL-2026-000001:reminder");
    }

    [Fact]
    public void a_second_before_local_midnight_is_still_the_day_before()
    {
        DunningLadder.Decide(Context(ReceivablesAccount.Empty("acme"), DaysAfterDue(7) - Duration.FromSeconds(1), Invoice), Ladder).ShouldBeEmpty();
    }

    [Fact]
    public void a_runner_that_was_away_takes_every_missed_step_together()
    {
        var events = DunningLadder.Decide(Context(ReceivablesAccount.Empty("acme"), DaysAfterDue(40), Invoice), Ladder);

        events.OfType<DunningStepTaken>().Select(s => s.Step).ShouldBe([DunningSteps.Reminder, DunningSteps.FinalNotice, DunningSteps.Suspension]);
        events.OfType<TenantSuspended>().ShouldHaveSingleItem().PastDueAmount.ShouldBe(100m);
    }

    [Fact]
    public void a_suspended_tenant_is_reinstated_once_nothing_is_past_due()
    {
        var suspended = Replay(DunningLadder.Decide(Context(ReceivablesAccount.Empty("acme"), DaysAfterDue(30), Invoice), Ladder));
        var notYetDue = new OpenInvoice("TL-2026-000002", Due.PlusDays(60), "CNY", 50m, 0m);

        DunningLadder.Decide(Context(suspended, DaysAfterDue(31), Invoice with { Settled = 99m }, notYetDue), Ladder).ShouldBeEmpty();
        var paid = DunningLadder.Decide(Context(suspended, DaysAfterDue(31), Invoice with { Settled = 100m }, notYetDue), Ladder);

        paid.OfType<TenantReinstated>().ShouldHaveSingleItem();
        var signal = paid.OfType<ReceivablesSignalRaised>().ShouldHaveSingleItem().Signal;
        (signal.Signal, signal.Action, signal.SignalId).ShouldBe((GatewaySignals.Reinstated, "resume", "acme:reinstated:1"));
        DunningLadder.Decide(Context(Replay(paid).Apply(new TenantSuspended("acme", "", 0, DaysAfterDue(30))) with { Suspended = false }, DaysAfterDue(32)), Ladder).ShouldBeEmpty();
    }
}
