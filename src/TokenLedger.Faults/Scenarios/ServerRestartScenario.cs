using TokenLedger.Faults.Harness;

namespace TokenLedger.Faults.Scenarios;

/// <summary>
/// Restarts a server (RabbitMQ or PostgreSQL, with the repository's ops script) while the service ingests and the
/// publisher publishes: the service must answer 503 "Unhealthy" on /health/ready while the server is away, become
/// ready again by itself, resume the ingest, and end with exact totals.
/// </summary>
public abstract class ServerRestartScenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker) : Scenario(context, probe, broker)
{
    /// <summary>Seconds the server stays down.</summary>
    protected const int DownSeconds = 4;

    protected abstract string Server { get; }
    protected abstract string Script { get; }
    protected abstract IReadOnlyList<string> ScriptArguments { get; }

    /// <summary>True if the server serves a new client right now.</summary>
    protected abstract Task<bool> ServesAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(ScenarioResult result, CancellationToken ct)
    {
        var workload = NewWorkload();
        var messages = workload.ValidMessages(Options.Events);
        var service = await StartServiceAsync("0", ct);
        await using var health = new HealthWatcher(Context, service);
        await using var ingest = StartIngest(workload, messages, ct, spreadSeconds: 30);

        var before = await ingest.WaitRecordedAsync(workload.UniqueExpected * 3 / 10, ct);
        var restartAt = Context.Now;
        Context.Log($"  restarting {Server} with {before}/{workload.UniqueExpected} recorded");
        await using var server = new ServerWatcher(Context, ServesAsync);
        await OpsScript.RunAsync(Context, Script, ScriptArguments, ct);
        await server.WaitUpAsync(TimeSpan.FromMinutes(2), ct);
        var (downAt, upAt) = (server.DownAt!.Value, server.UpAt!.Value);
        var atBack = await ingest.RefreshAsync(ct);
        Context.Log($"  {Server} did not serve from {downAt:F1}s to {upAt:F1}s ({upAt - downAt:F1} s); {atBack} recorded");

        await health.WaitReadyAsync(TimeSpan.FromMinutes(3), ct);
        var readyAt = health.Transitions.Last(t => t.Ready).At;
        var resumedAt = await WaitForProgressAsync(ingest, atBack, workload.UniqueExpected, ct);
        var transitions = health.Describe(restartAt);
        Context.Log($"  readiness: {transitions}");
        result.Notes.Add($"{Server} restarted at {before} recorded; it did not serve for {upAt - downAt:F1} s ({downAt:F1}s..{upAt:F1}s)");
        result.Notes.Add($"readiness: {transitions}");
        result.Notes.Add($"service ready again {Math.Max(0, readyAt - upAt):F1} s after {Server} served again" +
                         (resumedAt is { } r ? $"; ingest resumed {Math.Max(0, r - upAt):F1} s after" : "; ingest had already finished"));
        result.Notes.Add($"slowest /health/ready answer {health.SlowestAnswer.TotalSeconds:F1} s");
        if (!health.AnsweredUnhealthySince(restartAt))
            result.Fail($"/health/ready never answered 503 \"Unhealthy\" while {Server} was away");
        if (!health.WentDownAndUpSince(restartAt))
            result.Fail($"/health/ready did not go not-ready and ready again around the {Server} restart");

        await FinishAsync(ingest, workload, service, result, ct);
    }

    /// <summary>Harness time when the recorded count first rose above <paramref name="from"/>, or null if all was recorded already.</summary>
    private async Task<double?> WaitForProgressAsync(IngestRun ingest, long from, long expected, CancellationToken ct)
    {
        if (from >= expected) return null;
        await ingest.WaitRecordedAsync(from + 1, ct);
        return Context.Now;
    }
}
