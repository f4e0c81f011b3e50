using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Phases;

namespace TokenLedger.Bench.Reporting;

/// <summary>Everything one run measured; rendered by <see cref="Report"/>.</summary>
public sealed class BenchReport
{
    public required string RunTag { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required string Machine { get; init; }
    public required BenchOptions Options { get; init; }
    public MemoryReading? RssAtStart { get; set; }
    public MemoryReading? RssAtEnd { get; set; }
    public List<IngestResult> Ingest { get; } = [];
    public List<PassThroughResult> PassThrough { get; } = [];
    public CopyResult? Copy { get; set; }
    public LatencyResult? Latency { get; set; }
    public SignalLatencyResult? Signals { get; set; }
    public HoldLoadResult? Holds { get; set; }
    public PeriodCloseResult? Close { get; set; }
    public FinanceViewsResult? Finance { get; set; }
    public SteadyResult? Steady { get; set; }
    public HttpCompatResult? HttpCompat { get; set; }
    public ServiceLogSummary? ServiceLog { get; set; }
    public TimeSpan Duration { get; set; }

    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            foreach (var run in Ingest)
            {
                problems.AddRange(run.CatchUp.Differences.Select(d => $"[{run.Workload.Label}] {d}"));
                if (!run.DeadLettersOk)
                    problems.Add($"[{run.Workload.Label}] dead letters: expected {run.Workload.Invalid:N0} (one per invalid item), found {run.DeadLetters:N0}");
            }
            if (Latency is not null) problems.AddRange(Latency.Background.Differences.Select(d => $"[latency background] {d}"));
            if (HttpCompat is not null)
                foreach (var run in new[] { HttpCompat.Native, HttpCompat.OpenMeter }.Where(x => x.Failed > 0))
                    problems.Add($"[{run.Route}] {run.Failed:N0} of {run.Requests:N0} requests failed; first: {run.FirstFailure}");
            if (Holds is not null)
            {
                problems.AddRange(Holds.Check.Differences.Select(d => $"[holds] {d}"));
                if (Holds.Errors > 0) problems.Add($"[holds] {Holds.Errors:N0} hold requests failed; first: {Holds.FirstError}");
            }
            if (Steady is not null) problems.AddRange(Steady.Check.Differences.Select(d => $"[steady run] {d}"));
            return problems;
        }
    }

    public bool TotalsOk => Problems.Count == 0;
}
