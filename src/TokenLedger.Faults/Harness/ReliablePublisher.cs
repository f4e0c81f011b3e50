using RabbitMQ.Client;
using TokenLedger.Contracts.Usage;

namespace TokenLedger.Faults.Harness;

/// <summary>A message to publish to the usage queue: its body, content type (null: none) and how many usage events it holds.</summary>
public sealed class OutgoingMessage(ReadOnlyMemory<byte> body, string? contentType, int events)
{
    public ReadOnlyMemory<byte> Body { get; } = body;
    public string? ContentType { get; } = contentType;
    public int Events { get; } = events;

    /// <summary>How many times it was sent: more than once when a window it was in failed and was re-sent.</summary>
    public int Attempts { get; set; }
}

/// <summary>
/// Publishes like a careful gateway: persistent, mandatory, publisher confirms, in windows of unconfirmed messages.
/// A window that is not entirely confirmed (nack, return, lost connection, timeout) is sent again on a new connection,
/// after a backoff, until the broker takes it: re-sends make duplicates, which the ledger must drop.
/// </summary>
public sealed class ReliablePublisher(HarnessContext context, string name) : IAsyncDisposable
{
    private const int Window = 50;
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(5);
    private IConnection? _connection;
    private IChannel? _channel;
    private long _messages;
    private long _events;
    private long _resent;

    public long MessagesConfirmed => Interlocked.Read(ref _messages);
    public long EventsConfirmed => Interlocked.Read(ref _events);
    public long MessagesResent => Interlocked.Read(ref _resent);
    public int Connections { get; private set; }
    public List<string> Outages { get; } = [];

    /// <summary>
    /// Publishes every message, in order. With <paramref name="eventsPerSecond"/>, paces itself so that events go out
    /// at about that rate (an ingest that lasts long enough to be struck in the middle); else as fast as confirms come.
    /// </summary>
    public async Task PublishAllAsync(IReadOnlyList<OutgoingMessage> messages, double? eventsPerSecond, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        var next = 0;
        while (next < messages.Count)
        {
            if (eventsPerSecond is { } rate)
            {
                // The next message is due once the events before it have had their time.
                var due = TimeSpan.FromSeconds(sent / rate);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct);
            }
            var window = new List<OutgoingMessage>(Window);
            while (next < messages.Count && window.Count < Window &&
                   (window.Count == 0 || eventsPerSecond is not { } r || sent + messages[next].Events <= clock.Elapsed.TotalSeconds * r))
            {
                sent += messages[next].Events;
                window.Add(messages[next++]);
            }
            await PublishWindowAsync(window, ct);
        }
    }

    private async Task PublishWindowAsync(IReadOnlyList<OutgoingMessage> window, CancellationToken ct)
    {
        double? outageStarted = null;
        string? firstError = null;
        var attempt = 0;
        while (true)
        {
            try
            {
                var channel = await ChannelAsync(ct);
                var confirms = new List<Task>(window.Count);
                foreach (var message in window)
                {
                    message.Attempts++;
                    var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = message.ContentType };
                    confirms.Add(channel.BasicPublishAsync("", UsageContract.QueueName, mandatory: true, properties, message.Body, ct).AsTask());
                }
                await Task.WhenAll(confirms).WaitAsync(ConfirmTimeout, ct);
                Interlocked.Add(ref _messages, window.Count);
                Interlocked.Add(ref _events, window.Sum(m => m.Events));
                if (outageStarted is { } started)
                {
                    var note = $"publisher {name}: {firstError}; re-sent after {context.Now - started:F1} s ({attempt} attempts)";
                    Outages.Add(note);
                    context.Log("  " + note);
                }
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                if (outageStarted is null)
                {
                    outageStarted = context.Now;
                    firstError = $"{e.GetType().Name}: {FirstLine(e.Message)}";
                    context.Log($"  publisher {name}: window not confirmed ({firstError}); retrying with backoff");
                }
                else if (context.Now - outageStarted > GiveUpAfter.TotalSeconds)
                {
                    throw new TimeoutException($"publisher {name} could not publish for {GiveUpAfter.TotalMinutes} minutes: {e.Message}", e);
                }
                Interlocked.Add(ref _resent, window.Count);
                await DropConnectionAsync();
                attempt++;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, Math.Min(attempt, 6)), 3000)), ct);
            }
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken ct)
    {
        if (_channel is { IsOpen: true }) return _channel;
        await DropConnectionAsync();
        var factory = new ConnectionFactory
        {
            Uri = new Uri(context.RabbitMq),
            ClientProvidedName = $"faults-publisher-{name}",
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        };
        _connection = await factory.CreateConnectionAsync(ct);
        Connections++;
        var options = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter: null);
        _channel = await _connection.CreateChannelAsync(options, ct);
        return _channel;
    }

    private async Task DropConnectionAsync()
    {
        var (channel, connection) = (_channel, _connection);
        (_channel, _connection) = (null, null);
        try
        {
            if (channel is not null) await channel.DisposeAsync();
        }
        catch (Exception)
        {
            // The channel is broken already; nothing to save.
        }
        try
        {
            if (connection is not null) await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // Same for the connection.
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    public async ValueTask DisposeAsync()
    {
        if (_channel is { IsOpen: true })
        {
            try
            {
                await _channel.CloseAsync();
                if (_connection is not null) await _connection.CloseAsync();
            }
            catch (Exception)
            {
                // Closing politely is a courtesy only.
            }
        }
        await DropConnectionAsync();
    }
}
