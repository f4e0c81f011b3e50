using RabbitMQ.Client;

namespace TokenLedger.Bench.Infrastructure;

/// <summary>One AMQP connection of the bench, plus queue inspection on a short-lived channel.</summary>
public sealed class Broker(IConnection connection) : IAsyncDisposable
{
    public IConnection Connection => connection;

    public static async Task<Broker> ConnectAsync(string uri, string name, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = name };
        return new Broker(await factory.CreateConnectionAsync(ct));
    }

    /// <summary>Ready messages in a queue (a passive declare: never creates or changes it).</summary>
    public async Task<uint> ReadyMessagesAsync(string queue, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var ok = await channel.QueueDeclarePassiveAsync(queue, ct);
        return ok.MessageCount;
    }

    public async Task<uint> PurgeAsync(string queue, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.QueueDeclarePassiveAsync(queue, ct);
        return await channel.QueuePurgeAsync(queue, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await connection.CloseAsync();
        await connection.DisposeAsync();
    }
}
