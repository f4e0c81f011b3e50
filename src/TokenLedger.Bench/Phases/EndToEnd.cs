using System.Diagnostics;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Phases;

public sealed record IngestResult(Workload Workload, TimeSpan PublishTime, CatchUp CatchUp, long DeadLetters, uint BacklogAtStart)
{
    public bool DeadLettersOk => DeadLetters == Workload.Invalid;
    public bool Ok => CatchUp.Ok && DeadLettersOk;
    public double? ItemsPerSecond => Rate(Workload.Items);
    public double? EventsPerSecond => Rate(Workload.Expected.Events);
    public double? MessagesPerSecond => Rate(Workload.Messages.Count);
    private double? Rate(long count) => CatchUp.DoneAt is { } t ? count / t.TotalSeconds : null;
}

/// <summary>
/// End-to-end ingest: publishes a whole workload as fast as confirms allow while the service consumes it, and stops
/// the clock when both projections show exactly the expected totals. Dead letters are counted afterwards.
/// </summary>
public sealed class EndToEnd(Broker broker, LedgerReader ledger, BenchOptions options)
{
    public async Task<IngestResult> RunAsync(Workload workload, CancellationToken ct)
    {
        var backlog = await broker.ReadyMessagesAsync(Queues.Usage, ct);
        if (backlog > 0) Live.Warn($"{backlog:N0} messages were already waiting in {Queues.Usage}; they slow this run down");
        await broker.PurgeAsync(Queues.DeadLetter, ct);

        var verification = new Verification(ledger, TimeSpan.FromSeconds(options.StallSeconds));
        await using var publisher = await Publisher.OpenAsync(broker.Connection, options.ConfirmWindow, ct);
        var (publishTime, catchUp) = await Live.ProgressAsync(async progress =>
        {
            var sent = progress.AddTask($"publish {workload.Items:N0} items in {workload.Messages.Count:N0} messages", maxValue: workload.Items);
            var inline = progress.AddTask($"usage_facts rows (inline)", maxValue: workload.Expected.Events);
            var summaries = progress.AddTask($"tenant summaries (inline)", maxValue: workload.Expected.Events);
            var clock = Stopwatch.StartNew();
            var publishing = Task.Run(async () =>
            {
                long items = 0;
                foreach (var message in workload.Messages)
                {
                    await publisher.PublishAsync(Queues.Usage, message.Body, ct);
                    items += message.Items;
                    if (publisher.Published % 64 == 0) sent.Value = items;
                }
                await publisher.FlushAsync();
                sent.Value = items;
                return clock.Elapsed;
            }, ct);
            var waiting = verification.WaitAsync(workload.Expected, clock, v => inline.Value = v, v => summaries.Value = v, ct);
            await Task.WhenAll(publishing, waiting);
            sent.StopTask();
            inline.StopTask();
            summaries.StopTask();
            return (await publishing, await waiting);
        });

        var deadLetters = await DeadLetters.WaitForAsync(broker, workload.Invalid, ct);
        return new IngestResult(workload, publishTime, catchUp, deadLetters, backlog);
    }
}
