using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Wolverine;
using Wolverine.Attributes;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>Which usage queue a <see cref="UsageQueueConsumer"/> reads, and how.</summary>
public sealed record UsageQueueSettings(
    Uri Broker, string Queue, ushort Prefetch, int Consumers, Func<byte[], Instant, IReadOnlyList<UsageItem>> Read);

/// <summary>
/// Consumes one usage queue and acknowledges a delivery only after its items are in a committed transaction (and its
/// refusals are dead-lettered). Deliveries are handed to the group commit as they arrive, without waiting for one
/// another, and every commit is acknowledged with one <c>basic.ack(multiple)</c> up to the newest delivery whose
/// predecessors are all done. A crash or a lost connection before the ack redelivers the message; the reserved event
/// ids make the replay a no-op. A failed commit is retried with backoff while the delivery stays unacknowledged.
/// Not a Wolverine handler, although its name ends in "Consumer" (Wolverine's handler naming convention).
/// </summary>
[WolverineIgnore]
public sealed class UsageQueueConsumer(
    UsageQueueSettings settings, UsageCommitter committer, IMessageBus bus, IClock clock, ILogger<UsageQueueConsumer> logger)
    : BackgroundService
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    private sealed record Delivery(ulong Tag, IReadOnlyList<UsageItem> Items, Task<UsageOutcomes> Recorded);

    /// <summary>Declares the queue before the service reports started, so a gateway can publish as soon as it is up.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await Factory("declare").CreateConnectionAsync(cancellationToken);
            await DeclareQueueAsync(connection, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not declare {Queue} at start-up; the consumer keeps trying", settings.Queue);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(1, Math.Max(1, settings.Consumers)).Select(n => ConsumeForeverAsync(n, stoppingToken)));

    private async Task ConsumeForeverAsync(int consumer, CancellationToken stoppingToken)
    {
        for (var (attempt, round) = (0, 0); !stoppingToken.IsCancellationRequested; attempt++, round++)
        {
            try
            {
                await ConsumeUntilDisconnectedAsync(consumer, reconnecting: round > 0, stoppingToken);
                attempt = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Consumer {Consumer} of {Queue} lost the broker; reconnecting", consumer, settings.Queue);
            }
            await DelayAsync(Backoff[Math.Min(attempt, Backoff.Length - 1)], stoppingToken);
        }
    }

    private async Task ConsumeUntilDisconnectedAsync(int consumer, bool reconnecting, CancellationToken stoppingToken)
    {
        await using var connection = await Factory(consumer.ToString()).CreateConnectionAsync(stoppingToken);
        await DeclareQueueAsync(connection, stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await channel.BasicQosAsync(0, settings.Prefetch, global: false, stoppingToken);

        using var disconnected = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        channel.ChannelShutdownAsync += (_, _) =>
        {
            disconnected.Cancel();
            return Task.CompletedTask;
        };
        var deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var listener = new AsyncEventingBasicConsumer(channel);
        listener.ReceivedAsync += (_, delivery) =>
        {
            var items = Read(delivery.Body.ToArray(), delivery.BasicProperties.ContentType);
            deliveries.Writer.TryWrite(new Delivery(delivery.DeliveryTag, items, committer.RecordAsync(items, IngestChannels.Amqp, disconnected.Token)));
            return Task.CompletedTask;
        };
        var consumerTag = await channel.BasicConsumeAsync(settings.Queue, autoAck: false, listener, stoppingToken);
        // The first subscription is start-up detail (the start-up banner says the service runs); a resubscription after a
        // lost broker is news.
        logger.Log(reconnecting ? LogLevel.Information : LogLevel.Debug, "Consuming {Queue} (consumer {Consumer}, prefetch {Prefetch})",
            settings.Queue, consumer, settings.Prefetch);

        try
        {
            await AcknowledgeInOrderAsync(channel, deliveries.Reader, disconnected.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested && channel.IsOpen)
        {
            await channel.BasicCancelAsync(consumerTag, cancellationToken: CancellationToken.None);
            throw;
        }
        if (!stoppingToken.IsCancellationRequested) throw new InvalidOperationException($"the channel to {settings.Queue} closed");
    }

    private ConnectionFactory Factory(string purpose) => new()
    {
        Uri = settings.Broker,
        ClientProvidedName = $"tokenledger-{settings.Queue}-{purpose}",
        AutomaticRecoveryEnabled = false,
    };

    /// <summary>Uses the queue as it is when it exists (whatever arguments it was declared with), else declares it durable.</summary>
    private async Task DeclareQueueAsync(IConnection connection, CancellationToken ct)
    {
        try
        {
            await using var probe = await connection.CreateChannelAsync(cancellationToken: ct);
            await probe.QueueDeclarePassiveAsync(settings.Queue, ct);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            await channel.QueueDeclareAsync(settings.Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
        }
    }

    private IReadOnlyList<UsageItem> Read(byte[] body, string? contentType) => UsageQueue.IsJson(contentType)
        ? settings.Read(body, clock.GetCurrentInstant())
        : [UsageMessage.Refuse(body, $"content type '{contentType}' is not supported; publish application/json")];

    private async Task AcknowledgeInOrderAsync(IChannel channel, ChannelReader<Delivery> deliveries, CancellationToken ct)
    {
        while (await deliveries.WaitToReadAsync(ct))
        {
            ulong? done = null;
            while (deliveries.TryPeek(out var next) && (done is null || next.Recorded.IsCompleted))
            {
                await FinishAsync(next, ct);
                deliveries.TryRead(out _);
                done = next.Tag;
            }
            if (done is { } tag) await channel.BasicAckAsync(tag, multiple: true, ct);
        }
    }

    /// <summary>Waits for the delivery's commit (retrying it until it succeeds) and dead-letters its refused items.</summary>
    private async Task FinishAsync(Delivery delivery, CancellationToken ct)
    {
        var recorded = delivery.Recorded;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var outcomes = await recorded.WaitAsync(ct);
                await UsageQueue.DeadLetterAsync(outcomes, bus, clock);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Recording a delivery from {Queue} failed (attempt {Attempt}); retrying", settings.Queue, attempt + 1);
                await Task.Delay(Backoff[Math.Min(attempt, Backoff.Length - 1)], ct);
                recorded = committer.RecordAsync(delivery.Items, IngestChannels.Amqp, ct);
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
