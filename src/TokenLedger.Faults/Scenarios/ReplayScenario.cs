using System.Diagnostics;
using TokenLedger.Faults.Harness;
using TokenLedger.Faults.Workload;

namespace TokenLedger.Faults.Scenarios;

/// <summary>
/// Rebuilds every projection from the event store with the service's own command
/// (<c>TokenLedger.Api.dll projections rebuild</c>, the service stopped) and checks that the figures are identical
/// afterwards: per tenant/model sums of <c>usage_facts</c> and every <c>tenant_usage_summaries</c> row. Prints the
/// replay rate in usage records per second.
/// </summary>
public sealed class ReplayScenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker) : Scenario(context, probe, broker)
{
    public override string Name => "replay";

    protected override async Task ExecuteAsync(ScenarioResult result, CancellationToken ct)
    {
        await SettleAsync(result, ct);

        var (events, records) = await Probe.StoreSizeAsync(ct);
        var factsBefore = await Probe.FactSumsAsync(null, ct);
        var summariesBefore = await Probe.SummaryDocumentsAsync(ct);
        result.UniqueExpected = factsBefore.Values.Sum(s => s.Events);
        Context.Log($"  event store: {events} UsageBatchRecorded events carrying {records} usage records; " +
                    $"{result.UniqueExpected} usage_facts rows, {summariesBefore.Count} tenant usage summary rows");

        var (wall, rebuild) = await RebuildAsync(ct);
        // The command's own figure leaves out .NET start-up and code generation; the wall time includes them.
        var seconds = rebuild ?? wall;
        result.ReplayRate = records / seconds;
        result.Notes.Add($"projections rebuild replayed {records} usage records ({events} ledger events) in {seconds:F1} s: " +
                         $"{result.ReplayRate:F0} records/s ({records / wall:F0} records/s over the {wall:F1} s the whole command took)");

        var factsAfter = await Probe.FactSumsAsync(null, ct);
        var summariesAfter = await Probe.SummaryDocumentsAsync(ct);
        result.Recorded = factsAfter.Values.Sum(s => s.Events);
        result.Lost = Math.Max(0, result.UniqueExpected - result.Recorded);
        result.DoubleCounted = Math.Max(0, result.Recorded - result.UniqueExpected);
        var differentFacts = factsBefore.Keys.Union(factsAfter.Keys)
            .Where(k => factsBefore.GetValueOrDefault(k, TokenSums.Zero) != factsAfter.GetValueOrDefault(k, TokenSums.Zero)).ToList();
        var differentSummaries = summariesBefore.Keys.Union(summariesAfter.Keys)
            .Where(k => summariesBefore.GetValueOrDefault(k) != summariesAfter.GetValueOrDefault(k)).ToList();
        foreach (var key in differentFacts.Take(3))
            result.Fail($"usage_facts of {key.Tenant}/{key.Model} before the rebuild {factsBefore.GetValueOrDefault(key, TokenSums.Zero)}, " +
                        $"after {factsAfter.GetValueOrDefault(key, TokenSums.Zero)}");
        foreach (var key in differentSummaries.Take(3))
            result.Fail($"TenantUsageSummary {key} before the rebuild {summariesBefore.GetValueOrDefault(key) ?? "(none)"}, " +
                        $"after {summariesAfter.GetValueOrDefault(key) ?? "(none)"}");
        if (differentFacts.Count == 0 && differentSummaries.Count == 0)
            result.Notes.Add($"identical after the rebuild: {factsAfter.Count} tenant/model sums, {summariesAfter.Count} summary rows");
    }

    /// <summary>
    /// Makes sure there is usage to replay (publishing some if the store is nearly empty) and that the async projection
    /// has caught up with the store before the "before" snapshot, then stops the service.
    /// </summary>
    private async Task SettleAsync(ScenarioResult result, CancellationToken ct)
    {
        var service = await StartServiceAsync("0", ct);
        if ((await Probe.StoreSizeAsync(ct)).Records < Options.Events)
        {
            var workload = NewWorkload();
            await using var ingest = StartIngest(workload, workload.ValidMessages(Options.Events), ct);
            if (!await ingest.WaitCompleteAsync(ct)) result.Fail("the ingest before the replay did not complete");
        }
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var facts = (await Probe.FactSumsAsync(null, ct)).Values.Sum(s => s.Events);
            var summarised = (await Probe.SummaryDocumentsAsync(ct)).Count == 0 ? 0 : await SummarisedEventsAsync(ct);
            if (facts == summarised) break;
            if (watch.Elapsed > TimeSpan.FromMinutes(4))
            {
                result.Fail($"before the rebuild, TenantUsageSummary counts {summarised} events and usage_facts {facts}");
                break;
            }
            await Task.Delay(500, ct);
        }
        if (!await service.StopAsync(TimeSpan.FromSeconds(20))) result.Notes.Add($"{service.Name} did not stop within 20 s of SIGTERM and was killed");
    }

    private async Task<long> SummarisedEventsAsync(CancellationToken ct)
    {
        var documents = await Probe.SummaryDocumentsAsync(ct);
        return (await Probe.SummariesAsync([.. documents.Keys], ct)).Values.Sum(s => s.Events);
    }

    /// <summary>Runs the rebuild; returns the command's wall time and its own "Finished rebuild in N ms" figure, in seconds.</summary>
    private async Task<(double Wall, double? Rebuild)> RebuildAsync(CancellationToken ct)
    {
        var log = Path.Combine(Context.LogDir, "replay-rebuild.log");
        var info = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", "exec dotnet \"$0\" projections rebuild >>\"$1\" 2>&1 </dev/null", Context.ApiDll, log },
            WorkingDirectory = Context.Options.Repo,
            UseShellExecute = false,
        };
        info.Environment["TOKENLEDGER_POSTGRES"] = Context.Postgres;
        info.Environment["TOKENLEDGER_RABBITMQ"] = Context.RabbitMq;
        info.Environment["TOKENLEDGER_ADMIN_KEY"] = Context.AdminKey;
        info.Environment["TOKENLEDGER_FAULTS_RUN"] = Context.RunId;
        Context.Log($"  running TokenLedger.Api.dll projections rebuild (log {Path.GetRelativePath(Context.Options.Repo, log)})");
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the rebuild");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMinutes(15));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill();
            throw new TimeoutException("the projections rebuild did not finish within 15 minutes");
        }
        var seconds = watch.Elapsed.TotalSeconds;
        var tail = string.Join('\n', File.ReadLines(log).TakeLast(8));
        Context.Log($"  rebuild exited with code {process.ExitCode} after {seconds:F1} s; last lines:\n{tail}");
        if (process.ExitCode != 0) throw new InvalidOperationException($"projections rebuild exited with code {process.ExitCode}: {tail}");
        var own = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(log), @"Finished rebuild in (\d+) ms");
        return (seconds, own.Success ? int.Parse(own.Groups[1].Value) / 1000.0 : null);
    }
}
