using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using TokenLedger.Contracts.Signals;

namespace TokenLedger.Api.Demo;

/// <summary>
/// What a real gateway does with the ledger's signals: a tenant is refused after an action <c>refuse</c> (cap reached under a
/// blocking plan, credit limit reached, suspended) and served again after <c>resume</c>. The demo gateway reads them from its
/// own queue bound to <c>tokenledger.signals.v1</c>.
/// </summary>
public sealed class DemoRefusals(ILogger logger)
{
    private readonly ConcurrentDictionary<string, string> _refused = new(StringComparer.Ordinal);

    public bool IsRefused(string tenantId) => _refused.ContainsKey(tenantId);

    public async Task ListenAsync(IChannel channel, CancellationToken ct)
    {
        var queue = await channel.QueueDeclareAsync("tokenledger-demo-gateway.signals", durable: false, exclusive: true, autoDelete: true, cancellationToken: ct);
        await channel.QueueBindAsync(queue.QueueName, GatewaySignals.ExchangeName, "tenant.#", cancellationToken: ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Apply(delivery.Body.Span);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, ct);
    }

    private void Apply(ReadOnlySpan<byte> body)
    {
        using var signal = JsonDocument.Parse(body.ToArray());
        string? Text(string name) =>
            signal.RootElement.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: JsonValueKind.String } v
                ? v.GetString() : null;
        if (Text("tenantId") is not { } tenant) return;
        var (kind, action) = (Text("signal"), Text("action"));
        if (action == "refuse" && _refused.TryAdd(tenant, kind ?? action))
            logger.LogInformation("Demo gateway: refusing {Tenant}'s requests ({Signal})", tenant, kind);
        else if (action == "resume" && _refused.TryRemove(tenant, out _))
            logger.LogInformation("Demo gateway: serving {Tenant} again ({Signal})", tenant, kind);
    }
}
