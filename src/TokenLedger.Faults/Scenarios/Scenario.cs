using System.Diagnostics;
using TokenLedger.Contracts.Usage;
using TokenLedger.Faults.Harness;
using TokenLedger.Faults.Workload;

namespace TokenLedger.Faults.Scenarios;

/// <summary>
/// A fault scenario: runs against fresh service processes, under tenant ids of its own, and always ends by stopping
/// its services (SIGTERM), reading their logs for errors and purging the queues, so the next scenario starts clean.
/// </summary>
public abstract class Scenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker)
{
    private readonly List<ServiceProcess> _services = [];

    public abstract string Name { get; }
    protected HarnessContext Context => context;
    protected LedgerProbe Probe => probe;
    protected BrokerAdmin Broker => broker;
    protected FaultOptions Options => context.Options;

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var result = new ScenarioResult(Name);
        var watch = Stopwatch.StartNew();
        context.Log($"=== scenario {Name} ===");
        var wolverineBefore = new Dictionary<string, long>();
        try
        {
            wolverineBefore = await probe.WolverineDeadLettersAsync(ct);
            await ExecuteAsync(result, ct);
            await CheckWolverineDeadLettersAsync(wolverineBefore, result, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            result.Fail($"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
            context.Log($"  scenario {Name} failed: {e}");
        }
        finally
        {
            await CleanUpAsync(result);
        }
        result.Seconds = watch.Elapsed.TotalSeconds;
        context.Log($"=== scenario {Name}: {(result.Exact ? "EXACT" : "NOT EXACT")} in {result.Seconds:F0} s " +
                    $"(recorded {result.Recorded}/{result.UniqueExpected}, lost {result.Lost}, double-counted {result.DoubleCounted})");
        foreach (var failure in result.Failures) context.Log($"  FAILED: {failure}");
        return result;
    }

    protected abstract Task ExecuteAsync(ScenarioResult result, CancellationToken ct);

    protected ScenarioWorkload NewWorkload(int tenants = 4) => new(context.RunId, Name, Options.Seed, tenants);

    protected async Task<ServiceProcess> StartServiceAsync(string instance, CancellationToken ct)
    {
        var service = await context.StartServiceAsync($"{Name}-{instance}", ct);
        _services.Add(service);
        return service;
    }

    /// <summary>
    /// Starts publishing in the background: as fast as possible, or spread over about <paramref name="spreadSeconds"/>
    /// so that faults injected along the way strike while events are still arriving.
    /// </summary>
    protected IngestRun StartIngest(ScenarioWorkload workload, IReadOnlyList<OutgoingMessage> messages, CancellationToken ct, double? spreadSeconds = null)
    {
        var events = messages.Sum(m => m.Events);
        double? rate = spreadSeconds is { } seconds ? events / seconds : null;
        context.Log($"  publishing {messages.Count} messages ({events} events, {workload.UniqueExpected} unique) for tenants {workload.Prefix}-t*" +
                    (rate is { } r ? $", paced at {r:F0} events/s" : ", unpaced"));
        return new IngestRun(context, probe, broker, workload, Name, messages, rate, ct);
    }

    /// <summary>Waits for the end of the ingest, then checks the figures (over this service's API if given).</summary>
    protected async Task FinishAsync(IngestRun ingest, ScenarioWorkload workload, ServiceProcess? api, ScenarioResult result, CancellationToken ct)
    {
        var complete = await ingest.WaitCompleteAsync(ct);
        context.Log($"  [{Name}] ingest {(complete ? "complete" : "INCOMPLETE")} after {ingest.Seconds:F1} s; verifying");
        if (!complete) result.Fail("the ingest did not complete: no progress, with events still missing");
        result.EventsPublished = ingest.EventsPublished;
        await Verification.VerifyAsync(context, probe, workload, api, result, ct);
        result.Notes.AddRange(ingest.Publisher.Outages);
    }

    /// <summary>Usage deliveries that Wolverine moved to its own dead-letter storage never reach the ledger: a loss.</summary>
    private async Task CheckWolverineDeadLettersAsync(Dictionary<string, long> before, ScenarioResult result, CancellationToken ct)
    {
        var after = await probe.WolverineDeadLettersAsync(ct);
        var added = after.Select(a => (Kind: a.Key, Count: a.Value - before.GetValueOrDefault(a.Key))).Where(a => a.Count > 0).ToList();
        foreach (var (kind, count) in added)
        {
            var note = $"{count} message(s) moved to Wolverine's dead-letter table: {kind}";
            if (kind.StartsWith("tokenledger.usage.raw", StringComparison.Ordinal)) result.Fail(note);
            else result.Notes.Add(note);
        }
        var queue = await broker.StatsAsync("wolverine-dead-letter-queue", ct);
        if (queue is { Messages: > 0 }) result.Fail($"{queue.Messages} message(s) on RabbitMQ's wolverine-dead-letter-queue");
    }

    private async Task CleanUpAsync(ScenarioResult result)
    {
        foreach (var service in _services.Where(s => s.HasExited && !s.StoppedByHarness))
            result.Fail(service.ExitExplanation());
        foreach (var service in _services.Where(s => !s.HasExited))
            if (!await service.StopAsync(TimeSpan.FromSeconds(20)))
                result.Notes.Add($"{service.Name} did not stop within 20 s of SIGTERM and was killed");
        if (_services.Count > 0)
        {
            result.PeakRssBytes = Math.Max(result.PeakRssBytes, _services.Max(s => s.PeakRssBytes));
            var findings = LogScanner.Scan(_services.Select(s => s.LogPath));
            result.Notes.Add(findings.Summary());
            // Evidence for a loss: a delivery that failed with an exception the error policy does not retry.
            foreach (var line in findings.UnretriedUsageFailures.Take(3))
                result.Notes.Add($"usage delivery failed with an exception the service does not retry: {line}");
        }
        foreach (var queue in new[] { UsageContract.QueueName, UsageContract.DeadLetterQueueName, "wolverine-dead-letter-queue" })
        {
            try
            {
                var purged = await broker.PurgeAsync(queue, CancellationToken.None);
                if (purged > 0) context.Log($"  purged {purged} messages from {queue}");
            }
            catch (Exception e)
            {
                result.Notes.Add($"could not purge {queue}: {e.Message}");
            }
        }
    }
}
