using TokenLedger.Contracts.Usage;
using TokenLedger.Faults.Harness;

namespace TokenLedger.Faults.Scenarios;

/// <summary>
/// Two service instances consume the same queue; half-way through, one of them is killed with SIGKILL and the
/// other takes over its unacknowledged deliveries (and the async projection): totals must still be exact.
/// </summary>
public sealed class TwoInstancesScenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker) : Scenario(context, probe, broker)
{
    public override string Name => "two-instances";

    protected override async Task ExecuteAsync(ScenarioResult result, CancellationToken ct)
    {
        var workload = NewWorkload();
        var messages = workload.ValidMessages(Options.Events);
        var first = await StartServiceAsync("a", ct);
        var second = await StartServiceAsync("b", ct);
        await using var ingest = StartIngest(workload, messages, ct, spreadSeconds: 30);

        await ingest.WaitRecordedAsync(workload.UniqueExpected / 10, ct);
        var consumersBefore = await Broker.DeclarePassiveAsync(UsageContract.QueueName, ct);
        var recorded = await ingest.WaitRecordedAsync(workload.UniqueExpected / 2, ct);
        await first.KillAsync();
        var killedAt = Context.Now;
        recorded = await ingest.RefreshAsync(ct);
        Context.Log($"  kill -9 of {first.Name} (pid {first.Pid}) with {recorded}/{workload.UniqueExpected} recorded; {second.Name} carries on");
        await Task.Delay(1000, ct);
        var consumersAfter = await Broker.DeclarePassiveAsync(UsageContract.QueueName, ct);
        result.Notes.Add($"{first.Name} killed at {recorded} recorded; queue consumers {consumersBefore?.Consumers.ToString() ?? "?"} before, " +
                         $"{consumersAfter?.Consumers.ToString() ?? "?"} after");

        await FinishAsync(ingest, workload, second, result, ct);
        if (ingest.CompletedAt is { } done)
            result.Notes.Add($"{second.Name} alone recorded the remaining {workload.UniqueExpected - recorded} events; the ingest was complete {done - killedAt:F1} s after the kill");
    }
}
