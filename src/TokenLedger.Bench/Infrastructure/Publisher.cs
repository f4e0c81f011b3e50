using RabbitMQ.Client;

namespace TokenLedger.Bench.Infrastructure;

/// <summary>
/// Publishes the way the contract asks gateways to: default exchange, persistent, application/json, mandatory,
/// publisher confirms. Up to <c>window</c> messages are in flight unconfirmed; a nack or a return throws.
/// Use one publisher from one task at a time.
/// </summary>
public sealed class Publisher : IAsyncDisposable
{
    private static readonly BasicProperties Properties = new() { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
    private readonly IChannel _channel;
    private readonly int _window;
    private readonly Queue<ValueTask> _unconfirmed = new();

    private Publisher(IChannel channel, int window)
    {
        _channel = channel;
        _window = window;
    }

    public long Published { get; private set; }
    public long Confirmed { get; private set; }

    public static async Task<Publisher> OpenAsync(IConnection connection, int window, CancellationToken ct)
    {
        var options = new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null);
        return new Publisher(await connection.CreateChannelAsync(options, ct), window);
    }

    /// <summary>Sends one message; waits for the oldest confirm first when the window is full.</summary>
    public async ValueTask PublishAsync(string queue, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        while (_unconfirmed.Count >= _window) await ConfirmOldestAsync();
        _unconfirmed.Enqueue(_channel.BasicPublishAsync("", queue, mandatory: true, Properties, body, ct));
        Published++;
    }

    /// <summary>Sends one message outside the window; the task completes when the broker confirms it.</summary>
    public Task StartPublish(string queue, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        Published++;
        return _channel.BasicPublishAsync("", queue, mandatory: true, Properties, body, ct).AsTask();
    }

    public async Task FlushAsync()
    {
        while (_unconfirmed.Count > 0) await ConfirmOldestAsync();
    }

    private async ValueTask ConfirmOldestAsync()
    {
        await _unconfirmed.Dequeue();
        Confirmed++;
    }

    public async ValueTask DisposeAsync()
    {
        while (_unconfirmed.Count > 0)
        {
            try
            {
                await _unconfirmed.Dequeue();
            }
            catch (Exception)
            {
                // Already reported by the publish that failed, or the run is being abandoned.
            }
        }
        await _channel.CloseAsync();
        await _channel.DisposeAsync();
    }
}
