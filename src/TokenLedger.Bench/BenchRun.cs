using System.Diagnostics;
using Npgsql;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Phases;
using TokenLedger.Bench.Reporting;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench;

/// <summary>The phases of one benchmark run, in order; each fills its part of the report.</summary>
public static class BenchRun
{
    public static async Task<BenchReport> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var runTag = $"bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
        var report = new BenchReport { RunTag = runTag, StartedAt = DateTimeOffset.UtcNow, Machine = Machine.Describe(), Options = options };
        var service = options.ServicePid is { } pid ? new ProcessMemory(pid) : null;
        var total = Stopwatch.StartNew();

        await using var db = NpgsqlDataSource.Create(options.Postgres);
        await using var broker = await Broker.ConnectAsync(options.RabbitMq, "tokenledger-bench", ct);
        var ledger = new LedgerReader(db);
        report.RssAtStart = service?.Read();

        if (options.FinanceOnly)
        {
            Live.Heading("6. Finance views: receivables, risk, CSV (alone, --finance-only)");
            report.Finance = await new FinanceViews(options).RunAsync(runTag, ct);
            report.RssAtEnd = service?.Read();
            report.ServiceLog = ServiceLog.Scan(options.ServiceLog);
            report.Duration = total.Elapsed;
            return report;
        }

        Live.Heading($"Generating workloads ({runTag})");
        var now = DateTimeOffset.UtcNow;
        Workload[] workloads =
        [
            Workload.Build("one event per message", $"{runTag}-s", 1, options, now),
            Workload.Build($"arrays of {options.BatchSize}", $"{runTag}-b", options.BatchSize, options, now),
        ];
        Live.Note($"{workloads.Length} x {options.Events:N0} items in {workloads[0].Messages.Count:N0} and {workloads[1].Messages.Count:N0} messages");

        Live.Heading("Warm-up (not measured)");
        var warmUp = await new WarmUp(broker, ledger, options).RunAsync(runTag, ct);
        Live.Note($"warm-up: 1,000 events recorded and summarised in {warmUp.TotalSeconds:0.0} s");

        foreach (var workload in workloads)
        {
            Live.Heading($"1. End-to-end ingest, {workload.Label}");
            var result = await new EndToEnd(broker, ledger, options).RunAsync(workload, ct);
            report.Ingest.Add(result);
            Live.Note($"{workload.Label}: {result.ItemsPerSecond:N0} items/s end to end; totals {(result.Ok ? "ok" : "WRONG")}");
        }

        if (!options.SkipLimits)
        {
            foreach (var workload in workloads)
            {
                Live.Heading($"2a. Broker pass-through, {workload.Label}");
                report.PassThrough.Add(await new PassThrough(broker, options).RunAsync(workload, ct));
            }
            Live.Heading("2b. PostgreSQL binary COPY into a bare temp table");
            report.Copy = await CopyRate.RunAsync(db, workloads[0].UniqueEvents, ct);
            Live.Note($"{report.Copy.RowsPerSecond:N0} rows/s");
        }

        if (!options.SkipHttp)
        {
            Live.Heading($"7. HTTP ingest: native POST /api/usage vs the OpenMeter batch route, arrays of {options.BatchSize}");
            report.HttpCompat = await new HttpCompatIngest(options).RunAsync(runTag, ct);
        }

        if (!options.SkipLatency)
        {
            Live.Heading("3. Publish-to-query latency under load");
            report.Latency = await new Latency(broker, ledger, options).RunAsync(runTag, ct);
        }

        if (!options.SkipSignals)
        {
            Live.Heading("3b. Cap-signal latency under load");
            report.Signals = await new SignalLatency(broker, options).RunAsync(runTag, ct);
        }

        if (!options.SkipHolds)
        {
            Live.Heading("3c. Holds under load: HTTP latency, then every hold settled or released");
            report.Holds = await new HoldsUnderLoad(broker, options).RunAsync(runTag, ct);
        }

        if (!options.SkipClose)
        {
            Live.Heading("5. Period close: invoices and PDFs");
            report.Close = await new PeriodClose(broker, options).RunAsync(runTag, ct);
        }

        if (!options.SkipFinance)
        {
            Live.Heading("6. Finance views: receivables, risk, CSV");
            report.Finance = await new FinanceViews(options).RunAsync(runTag, ct);
        }

        if (service is null)
        {
            Live.Warn("no --service-pid: RSS not measured, steady run skipped");
        }
        else if (!options.SkipSteady)
        {
            Live.Heading("4. Steady run (service RSS)");
            report.Steady = await new Memory(broker, ledger, service, options).RunAsync(runTag, ct);
        }

        report.RssAtEnd = service?.Read();
        report.ServiceLog = ServiceLog.Scan(options.ServiceLog);
        report.Duration = total.Elapsed;
        return report;
    }
}
