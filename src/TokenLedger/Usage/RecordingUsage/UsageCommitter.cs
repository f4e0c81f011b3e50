using System.Diagnostics;
using System.Threading.Channels;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>
/// Group commit for usage: every caller (one broker delivery, one HTTP request) waits until its items are in a
/// committed transaction, and everything that arrived while the previous transaction was running shares the
/// next one. Callers acknowledge the broker only after their task completes, so nothing is acked before it is
/// durable, and under load thousands of deliveries cost one reservation query and one appended ledger event.
/// A failed group is committed caller by caller; a caller whose commit keeps failing is committed item by item, and an
/// item that PostgreSQL (or rating) refuses on its own is refused and dead-lettered with the reason, so one poison item
/// can never stall ingest.
/// </summary>
public sealed class UsageCommitter(
    IDocumentStore store, RatingCatalogSource catalogs, IClock clock, UsageMetrics metrics, IOptions<UsageCommitOptions> options,
    ILogger<UsageCommitter> logger)
    : BackgroundService
{
    public const int MaxItemsPerCommit = 5000;
    // Unbounded and single-reader: writers never take a lock shared with the committing loop. What waits here is bounded
    // where it comes from: unacknowledged deliveries by the queues' prefetch, HTTP requests by their size and Kestrel's limits.
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });

    private sealed record Request(IReadOnlyList<UsageItem> Items, string Channel, TaskCompletionSource<UsageOutcomes> Done);

    public async Task<UsageOutcomes> RecordAsync(IReadOnlyList<UsageItem> items, string channel, CancellationToken ct)
    {
        var request = new Request(items, channel, new TaskCompletionSource<UsageOutcomes>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _requests.Writer.WriteAsync(request, ct);
        return await request.Done.Task.WaitAsync(ct);
    }

    public IReadOnlyList<UsageItem> Read(byte[] body) => UsageMessage.Read(body, clock.GetCurrentInstant());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _requests.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var group = new List<Request>();
                var items = 0;
                while (items < MaxItemsPerCommit && reader.TryRead(out var next))
                {
                    group.Add(next);
                    items += next.Items.Count;
                }
                await CommitAsync(group, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            while (reader.TryRead(out var abandoned)) abandoned.Done.TrySetCanceled();
        }
    }

    private async Task CommitAsync(IReadOnlyList<Request> group, CancellationToken ct)
    {
        try
        {
            await CommitAndCompleteAsync(group, ct);
            return;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            if (group.Count > 1) logger.LogWarning(e, "A group commit of {Requests} usage requests failed; committing them one by one", group.Count);
            else logger.LogWarning(e, "A usage commit failed (attempt 1 of {Attempts})", Attempts);
        }
        catch (Exception e)
        {
            foreach (var request in group) request.Done.TrySetException(e);
            return;
        }
        foreach (var request in group) await CommitAloneAsync(request, group.Count == 1 ? 1 : 0, ct);
    }

    private int Attempts => Math.Max(1, options.Value.Attempts);

    /// <summary>
    /// Retries one caller's items until <see cref="UsageCommitOptions.Attempts"/> commits have failed, then commits them
    /// item by item so that one item PostgreSQL keeps refusing cannot hold back the others (nor, over AMQP, every
    /// delivery behind it). A transient failure is never blamed on an item: the caller gets the exception and retries.
    /// </summary>
    private async Task CommitAloneAsync(Request request, int failed, CancellationToken ct)
    {
        Exception? last = null;
        for (var attempt = failed + 1; attempt <= Attempts; attempt++)
        {
            try
            {
                await CommitAndCompleteAsync([request], ct);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                last = e;
                logger.LogWarning(e, "A usage commit failed (attempt {Attempt} of {Attempts})", attempt, Attempts);
                if (attempt < Attempts) await Task.Delay(TimeSpan.FromMilliseconds(25 << Math.Min(attempt, 5)), ct);
            }
            catch (Exception e)
            {
                request.Done.TrySetException(e);
                return;
            }
        }
        try
        {
            var outcomes = await CommitItemByItemAsync(request, ct);
            metrics.Record(outcomes, request.Channel);
            request.Done.TrySetResult(outcomes);
        }
        catch (Exception e)
        {
            request.Done.TrySetException(last is null ? e : new AggregateException(last, e));
        }
    }

    private async Task<UsageOutcomes> CommitItemByItemAsync(Request request, CancellationToken ct)
    {
        var outcomes = new List<UsageItemOutcome>(request.Items.Count);
        var refused = new List<UsageItemOutcome>();
        foreach (var item in request.Items)
        {
            var alone = new Request([item], request.Channel, new TaskCompletionSource<UsageOutcomes>());
            try
            {
                outcomes.AddRange((await CommitOnceAsync([alone], ct))[0].Items);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && !UsageCommitFailures.IsTransient(e))
            {
                logger.LogError(e, "Usage item {EventId} cannot be stored; it is dead-lettered", item.EventId);
                var outcome = new UsageItemOutcome(UsageCommitFailures.Refuse(item, e), UsageItemStatus.Rejected);
                outcomes.Add(outcome);
                refused.Add(outcome);
            }
        }
        if (refused.Count > 0)
        {
            await using var session = store.LightweightSession();
            LoggingRejectedUsage.RejectedUsageLog.Queue(session, [request.Channel], [new UsageOutcomes(refused)], clock.GetCurrentInstant());
            await session.SaveChangesAsync(ct);
        }
        return new UsageOutcomes(outcomes);
    }

    private async Task CommitAndCompleteAsync(IReadOnlyList<Request> group, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var decisions = await CommitOnceAsync(group, ct);
        metrics.Committed(group.Sum(r => r.Items.Count), Stopwatch.GetElapsedTime(started));
        for (var i = 0; i < group.Count; i++)
        {
            metrics.Record(decisions[i], group[i].Channel);
            group[i].Done.TrySetResult(decisions[i]);
        }
    }

    private async Task<IReadOnlyList<UsageOutcomes>> CommitOnceAsync(IReadOnlyList<Request> group, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var reserved = await UsageEventIds.ReserveAsync(session, RecordUsage.CandidateIds(group.SelectMany(r => r.Items)), ct);
        var now = clock.GetCurrentInstant();
        var decisions = UsageGroup.Decide(group.Select(r => (r.Items, r.Channel)).ToList(), reserved, Guid.CreateVersion7().ToString("N"), now);
        var catalog = decisions.Recorded.Count == 0 ? RatingCatalog.Empty : await catalogs.CurrentAsync(session, ct);
        foreach (var recorded in decisions.Recorded)
        {
            var rated = new UsageBatchRated(recorded.BatchId, now, recorded.Records.Select(catalog.Rate).ToList());
            session.Events.StartStream(UsageStreams.ForBatch(recorded.BatchId), recorded, rated);
        }
        LoggingRejectedUsage.RejectedUsageLog.Queue(session, group.Select(r => r.Channel).ToList(), decisions.PerRequest, now);
        await session.SaveChangesAsync(ct);
        return decisions.PerRequest;
    }
}
