using System.Diagnostics;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Infrastructure;

/// <summary>Background ingest beside a measured phase: usage in JSON arrays of <c>batchSize</c>, paced at <c>eventsPerSecond</c>.</summary>
public static class BackgroundArrays
{
    /// <summary>Publishes until <paramref name="stop"/> is cancelled; returns the events per second actually published.</summary>
    public static async Task<long> PublishAsync(
        Broker broker, UsageGenerator generator, int eventsPerSecond, int batchSize, int confirmWindow, CancellationToken stop)
    {
        await using var publisher = await Publisher.OpenAsync(broker.Connection, confirmWindow, CancellationToken.None);
        var pacer = new Pacer(eventsPerSecond / (double)batchSize);
        long events = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var due = await pacer.NextAsync(stop);
                for (var i = 0; i < due; i++)
                {
                    var now = DateTimeOffset.UtcNow;
                    var body = JsonArray.Of(Enumerable.Range(0, batchSize).Select(_ => generator.Next(now).Json).ToList());
                    await publisher.PublishAsync(Queues.Usage, body, CancellationToken.None);
                    events += batchSize;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        await publisher.FlushAsync();
        return (long)(events / clock.Elapsed.TotalSeconds);
    }
}
