using System.Text;
using RabbitMQ.Client;
using TokenLedger.Contracts.Usage;

namespace TokenLedger.IntegrationTests.Fixtures;

/// <summary>A plain AMQP client, as a gateway in any language would be: no Wolverine headers, publisher confirms on.</summary>
public sealed class Broker : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private Broker(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<Broker> ConnectAsync(string uri)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "tokenledger-tests-gateway" }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new Broker(connection, channel);
    }

    public Task PublishAsync(string json, string? contentType = "application/json", string? messageId = null, string queue = UsageContract.QueueName) =>
        PublishAsync(Encoding.UTF8.GetBytes(json), contentType, messageId, queue);

    public async Task PublishAsync(byte[] body, string? contentType = "application/json", string? messageId = null, string queue = UsageContract.QueueName)
    {
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = contentType, MessageId = messageId };
        await _channel.BasicPublishAsync("", queue, mandatory: true, properties, body);
    }

    public async Task<uint> MessageCountAsync(string queue) => (await _channel.QueueDeclarePassiveAsync(queue)).MessageCount;

    public async Task<uint> ConsumerCountAsync(string queue) => (await _channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;

    /// <summary>Takes every message now waiting in the queue, acknowledging them.</summary>
    public async Task<IReadOnlyList<BasicGetResult>> DrainAsync(string queue)
    {
        var taken = new List<BasicGetResult>();
        while (await _channel.BasicGetAsync(queue, autoAck: true) is { } message) taken.Add(message);
        return taken;
    }

    /// <summary>A gateway's view of the signals: an exclusive queue bound to the signals exchange for one routing pattern.</summary>
    public async Task<string> BindSignalQueueAsync(string routingPattern)
    {
        await _channel.ExchangeDeclareAsync(TokenLedger.Contracts.Signals.GatewaySignals.ExchangeName, ExchangeType.Topic, durable: true);
        var queue = (await _channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await _channel.QueueBindAsync(queue, TokenLedger.Contracts.Signals.GatewaySignals.ExchangeName, routingPattern);
        return queue;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
