using System.Diagnostics;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Phases;

/// <summary>When each projection and subscription caught up (relative to the run's clock), and every total that differed.</summary>
public sealed record CatchUp(
    TimeSpan? InlineAt, TimeSpan? AsyncAt, TimeSpan? SubscriptionsAt, long InlineRows, long AsyncEvents, IReadOnlyList<string> Differences)
{
    public bool Ok => DoneAt is not null && Differences.Count == 0;
    public TimeSpan? DoneAt => InlineAt is { } i && AsyncAt is { } a && SubscriptionsAt is { } s ? Max(Max(i, a), s) : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>
/// Waits until the ledger shows exactly the expected totals, then compares every (tenant, model) sum of
/// <c>usage_facts</c> and every tenant summary once. Progress is polled so that the bench itself stays out of the
/// measurement: the tenant summaries (one row per tenant) are cheap and polled often; counting <c>usage_facts</c>
/// (one row per event) costs PostgreSQL CPU that the ingest needs on a small box, so it is polled at most a hundredth of
/// the time. The summaries are built from events committed in the same transactions as the inline rows, so once they
/// are complete the inline rows are too: the inline time is the earlier of the two observations.
/// Gives up when nothing moves for a while.
/// </summary>
public sealed class Verification(LedgerReader ledger, TimeSpan stallLimit)
{
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(100);
    private const double InlineDuty = 0.01;
    private const double SummaryDuty = 0.25;

    public async Task<CatchUp> WaitAsync(
        ExpectedTotals expected, Stopwatch clock, Action<long> inlineProgress, Action<long> asyncProgress, CancellationToken ct)
    {
        var tenants = expected.TenantIds;
        var differences = new List<string>();

        using var summariesDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var inlinePoll = PollAsync(() => ledger.CountFactsAsync(tenants, ct), expected.Events, clock, inlineProgress, InlineDuty, summariesDone.Token);
        var (asyncEvents, asyncAt) = await PollAsync(() => ledger.SummaryEventsAsync(tenants, ct), expected.Events, clock, asyncProgress, SummaryDuty, ct);
        if (asyncAt is not null) await summariesDone.CancelAsync();
        var (inlineRows, inlineAt) = await inlinePoll;
        if (asyncAt is { } complete && (inlineAt is null || inlineAt > complete))
        {
            inlineRows = await ledger.CountFactsAsync(tenants, ct);
            inlineAt = inlineRows >= expected.Events ? complete : null;
        }
        inlineProgress(inlineRows);
        if (inlineAt is null) differences.Add($"usage_facts: {inlineRows:N0} rows after waiting, expected {expected.Events:N0} (stalled)");
        differences.AddRange(CompareFacts(expected, await ledger.FactsByTenantModelAsync(tenants, ct)));
        if (asyncAt is null) differences.Add($"tenant summaries: {asyncEvents:N0} events after waiting, expected {expected.Events:N0} (stalled)");
        differences.AddRange(CompareSummaries(expected, await ledger.SummariesAsync(tenants, ct)));

        // Every other async projection and subscription (funding, prepayment, gateway signals) must have read the
        // ledger up to its newest event too before the clock stops.
        var newest = await ledger.NewestEventAsync(ct);
        var (slowest, subscriptionsAt) = await PollAsync(() => ledger.SlowestSubscriptionAsync(ct), newest, clock, _ => { }, SummaryDuty, ct);
        if (subscriptionsAt is null) differences.Add($"subscriptions: the slowest is at event {slowest:N0} after waiting, expected {newest:N0} (stalled)");

        return new CatchUp(inlineAt, asyncAt, subscriptionsAt, inlineRows, asyncEvents, differences);
    }

    /// <summary>
    /// Polls until the value reaches the target (returns the clock then), stops changing for the stall limit, or
    /// <paramref name="stop"/> is cancelled (returns the last value, not reached). A poll that took t waits
    /// t × (1 − duty) / duty before the next one, so polling keeps at most <paramref name="duty"/> of one connection busy.
    /// </summary>
    private async Task<(long Value, TimeSpan? ReachedAt)> PollAsync(
        Func<Task<long>> read, long target, Stopwatch clock, Action<long> progress, double duty, CancellationToken stop)
    {
        var last = -1L;
        var lastChange = Stopwatch.StartNew();
        while (true)
        {
            if (stop.IsCancellationRequested) return (Math.Max(last, 0), null);
            var started = Stopwatch.GetTimestamp();
            var value = await read();
            var took = Stopwatch.GetElapsedTime(started);
            progress(value);
            if (value >= target) return (value, clock.Elapsed);
            if (value != last)
            {
                last = value;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > stallLimit)
            {
                return (value, null);
            }
            var wait = took * ((1 - duty) / duty);
            try
            {
                await Task.Delay(wait > MinPoll ? wait : MinPoll, stop);
            }
            catch (OperationCanceledException)
            {
                return (value, null);
            }
        }
    }

    private static IEnumerable<string> CompareFacts(ExpectedTotals totals, Dictionary<(string Tenant, string Model), TokenSums> actual)
    {
        var expected = totals.ByTenantModel;
        foreach (var (key, want) in expected.OrderBy(p => p.Key.Tenant, StringComparer.Ordinal).ThenBy(p => p.Key.Model, StringComparer.Ordinal))
        {
            var got = actual.GetValueOrDefault(key);
            if (got != want) yield return $"usage_facts {key.Tenant} / {key.Model}: expected {want}, found {got}";
        }
        foreach (var key in actual.Keys.Where(k => !expected.ContainsKey(k)))
            yield return $"usage_facts {key.Tenant} / {key.Model}: not expected, found {actual[key]}";
    }

    private static IEnumerable<string> CompareSummaries(ExpectedTotals expected, Dictionary<string, (long Events, long TotalTokens)> actual)
    {
        foreach (var (tenant, want) in expected.ByTenant.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var got = actual.GetValueOrDefault(tenant);
            if (got.Events != want.Events || got.TotalTokens != want.TotalTokens)
                yield return $"tenant summary {tenant}: expected events={want.Events} totalTokens={want.TotalTokens}, " +
                             $"found events={got.Events} totalTokens={got.TotalTokens}";
        }
    }
}
