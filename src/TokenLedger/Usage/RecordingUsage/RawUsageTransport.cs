using RabbitMQ.Client;
using Wolverine;
using Wolverine.RabbitMQ.Internal;
using TokenLedger.Usage.RecordingNativeUsage;
using Wolverine.Runtime.Serialization;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>
/// Lets Wolverine take plain JSON from any AMQP client: every delivery on the usage queue becomes a
/// <see cref="RawUsageMessage"/> whatever its headers, and the gateway's content type is kept for validation.
/// </summary>
public sealed class RawUsageEnvelopeMapper(string messageTypeName) : IRabbitMqEnvelopeMapper
{
    public const string GatewayContentTypeHeader = "tokenledger-gateway-content-type";

    public void MapIncomingToEnvelope(Envelope envelope, IReadOnlyBasicProperties incoming)
    {
        // Never trust the gateway's message-id as the inbox key: a reused id would make Wolverine drop a different
        // message. Redeliveries are made harmless by the eventId reservation instead.
        envelope.Id = Guid.CreateVersion7();
        envelope.MessageType = messageTypeName;
        envelope.ContentType = RawUsageSerializer.ContentTypeName;
        envelope.Headers[GatewayContentTypeHeader] = incoming.ContentType ?? "";
    }

    public void MapEnvelopeToOutgoing(Envelope envelope, IBasicProperties outgoing)
    {
        outgoing.MessageId = envelope.Id.ToString();
        outgoing.ContentType = "application/json";
        outgoing.DeliveryMode = DeliveryModes.Persistent;
    }
}

/// <summary>Hands the body over untouched; parsing and validation happen in the handler, where bad input can be reported.</summary>
public sealed class RawUsageSerializer : IMessageSerializer
{
    public const string ContentTypeName = "application/vnd.tokenledger.raw-usage";

    public string ContentType => ContentTypeName;

    public byte[] Write(Envelope envelope) => WriteMessage(envelope.Message!);

    public object ReadFromData(Type messageType, Envelope envelope)
    {
        var body = envelope.Data ?? [];
        var contentType = envelope.Headers.GetValueOrDefault(RawUsageEnvelopeMapper.GatewayContentTypeHeader);
        return messageType == typeof(RawNativeUsageMessage) ? new RawNativeUsageMessage(body, contentType) : new RawUsageMessage(body, contentType);
    }

    public object ReadFromData(byte[] data) => new RawUsageMessage(data, null);

    public byte[] WriteMessage(object message) => message switch
    {
        RawUsageMessage usage => usage.Body,
        RawNativeUsageMessage native => native.Body,
        _ => throw new ArgumentException($"{message.GetType().Name} is not a raw usage message", nameof(message)),
    };
}
