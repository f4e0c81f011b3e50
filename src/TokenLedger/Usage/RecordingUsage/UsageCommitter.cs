using System.Diagnostics;
using System.Threading.Channels;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>
/// Group commit for usage: every caller (one broker delivery, one HTTP request) waits until its items are in a
/// committed transaction, and everything that arrived while the previous transaction was running shares the
/// next one. Callers acknowledge the broker only after their task completes, so nothing is acked before it is
/// durable, and under load thousands of deliveries cost one reservation query and one appended ledger event.
/// </summary>
public sealed class UsageCommitter(
    IDocumentStore store, RatingCatalogSource catalogs, IClock clock, UsageMetrics metrics, ILogger<UsageCommitter> logger)
    : BackgroundService
{
    public const int MaxItemsPerCommit = 5000;
    private readonly Channel<Request> _requests = Channel.CreateBounded<Request>(new BoundedChannelOptions(20_000) { SingleReader = true });

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
            var started = Stopwatch.GetTimestamp();
            var decisions = await CommitOnceAsync(group, ct);
            metrics.Committed(group.Sum(r => r.Items.Count), Stopwatch.GetElapsedTime(started));
            for (var i = 0; i < group.Count; i++)
            {
                metrics.Record(decisions[i], group[i].Channel);
                group[i].Done.TrySetResult(decisions[i]);
            }
        }
        catch (Exception e) when (group.Count > 1 && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "A group commit of {Requests} usage requests failed; committing them one by one", group.Count);
            foreach (var request in group) await CommitAsync([request], ct);
        }
        catch (Exception e)
        {
            foreach (var request in group) request.Done.TrySetException(e);
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
