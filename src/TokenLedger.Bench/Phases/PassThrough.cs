using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Phases;

public sealed record PassThroughResult(string Label, int Messages, long Items, long Bytes, TimeSpan? Elapsed)
{
    public double? MessagesPerSecond => Elapsed is { } t ? Messages / t.TotalSeconds : null;
    public double? ItemsPerSecond => Elapsed is { } t ? Items / t.TotalSeconds : null;
}

/// <summary>
/// The broker's own ceiling on this box: the same bodies, published the same way (persistent, confirms) to a scratch
/// durable queue, consumed by a consumer on its own connection that only acks (manual ack, prefetch 2000).
/// The clock runs from the first publish to the last ack. The queue is deleted afterwards.
/// </summary>
public sealed class PassThrough(Broker broker, BenchOptions options)
{
    private const ushort Prefetch = 2000;

    public async Task<PassThroughResult> RunAsync(Workload workload, CancellationToken ct)
    {
        var queue = $"{Queues.PassThroughPrefix}.{Guid.NewGuid():N}"[..48];
        await using var consumerSide = await Broker.ConnectAsync(options.RabbitMq, "tokenledger-bench-passthrough-consumer", ct);
        await using var channel = await consumerSide.Connection.CreateChannelAsync(cancellationToken: ct);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
        try
        {
            await channel.BasicQosAsync(0, Prefetch, false, ct);
            var acked = 0L;
            var lastAckAt = 0L;
            var total = workload.Messages.Count;
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                if (Interlocked.Increment(ref acked) == total) Volatile.Write(ref lastAckAt, Stopwatch.GetTimestamp());
            };
            await channel.BasicConsumeAsync(queue, autoAck: false, consumer, ct);

            await using var publisher = await Publisher.OpenAsync(broker.Connection, options.ConfirmWindow, ct);
            var elapsed = await Live.ProgressAsync(async progress =>
            {
                var sent = progress.AddTask($"publish {total:N0} messages to {Queues.PassThroughPrefix}", maxValue: total);
                var consumed = progress.AddTask("consumed and acked", maxValue: total);
                var started = Stopwatch.GetTimestamp();
                var publishing = Task.Run(async () =>
                {
                    foreach (var message in workload.Messages)
                    {
                        await publisher.PublishAsync(queue, message.Body, ct);
                        if (publisher.Published % 64 == 0) sent.Value = publisher.Published;
                    }
                    await publisher.FlushAsync();
                    sent.Value = publisher.Published;
                }, ct);
                var allAcked = await WaitAllAckedAsync(() => Interlocked.Read(ref acked), total, consumed, ct);
                await publishing;
                return allAcked ? Stopwatch.GetElapsedTime(started, Volatile.Read(ref lastAckAt)) : (TimeSpan?)null;
            });
            return new PassThroughResult(workload.Label, workload.Messages.Count, workload.Items, workload.Bytes, elapsed);
        }
        finally
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: CancellationToken.None);
        }
    }

    private async Task<bool> WaitAllAckedAsync(Func<long> acked, long total, LiveTask task, CancellationToken ct)
    {
        var last = -1L;
        var lastChange = Stopwatch.StartNew();
        while (true)
        {
            var now = acked();
            task.Value = now;
            if (now >= total) return true;
            if (now != last)
            {
                last = now;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > TimeSpan.FromSeconds(options.StallSeconds))
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }
    }
}
