using TokenLedger.Faults.Harness;

namespace TokenLedger.Faults.Scenarios;

/// <summary>
/// kill -9 of the only service instance <c>--kills</c> times during an ingest of <c>--events</c> events, each time
/// when another share of the events is recorded, restarting it at once: nothing may be lost or counted twice.
/// </summary>
public sealed class KillRestartScenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker) : Scenario(context, probe, broker)
{
    public override string Name => "kill";

    protected override async Task ExecuteAsync(ScenarioResult result, CancellationToken ct)
    {
        var workload = NewWorkload();
        var messages = workload.ValidMessages(Options.Events);
        var service = await StartServiceAsync("0", ct);
        // Spread so that every restarted instance still finds events arriving (a restart takes about 10 s).
        await using var ingest = StartIngest(workload, messages, ct, spreadSeconds: (Options.Kills + 1) * 12);
        var lastKill = 0L;
        for (var kill = 1; kill <= Options.Kills; kill++)
        {
            // At the next share of the events, and only once the restarted instance has recorded some of its own.
            var threshold = Math.Max(workload.UniqueExpected * kill / (Options.Kills + 1), lastKill + workload.UniqueExpected / (4 * (Options.Kills + 1)));
            await ingest.WaitRecordedAsync(Math.Min(threshold, workload.UniqueExpected - 1), ct);
            var pid = service.Pid;
            await service.KillAsync();
            var recorded = lastKill = await ingest.RefreshAsync(ct);
            Context.Log($"  kill -9 #{kill} of pid {pid} with {recorded}/{workload.UniqueExpected} recorded");
            if (recorded >= workload.UniqueExpected) result.Fail($"kill -9 #{kill} came only after every event was recorded, not mid-ingest");
            var restarted = Context.Now;
            service = await StartServiceAsync($"{kill}", ct);
            var after = await ingest.RefreshAsync(ct);
            result.Notes.Add($"kill -9 #{kill} at {recorded} recorded ({ingest.Publisher.EventsConfirmed} events published); " +
                             $"restarted, ready {Context.Now - restarted:F1} s later ({after} recorded then)");
        }
        await FinishAsync(ingest, workload, service, result, ct);
    }
}
