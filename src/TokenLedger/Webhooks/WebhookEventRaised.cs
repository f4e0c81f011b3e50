using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TokenLedger.Contracts.Signals;
using TokenLedger.Contracts.Webhooks;

namespace TokenLedger.Webhooks;

/// <summary>
/// A webhook event to fan out to the subscriptions that want it. Raise one from any handler by publishing it through the
/// outbox of the transaction that records the fact, e.g.
/// <c>await outbox.PublishAsync(WebhookEventRaised.Of(WebhookEventTypes.HoldRefused, holdId, tenantId, null, at, new HoldRefusedV1(...)))</c>,
/// or return it as a cascading message. Gateway and distributor signals are published with theirs by the code that
/// publishes them to RabbitMQ (SignalOutbox, the GatewaySignals relay), in the same transaction.
/// </summary>
/// <param name="Type">One of <see cref="WebhookEventTypes"/>.</param>
/// <param name="EventId">Stable id of the fact: the same fact raised twice is delivered once per subscription.</param>
/// <param name="TenantId">The tenant whose event it is (tenant subscriptions receive only theirs).</param>
/// <param name="DistributorId">The distributor whose event it is (distributor subscriptions receive only theirs).</param>
/// <param name="Timestamp">When the fact happened.</param>
/// <param name="Data">The payload's <c>data</c>.</param>
public sealed record WebhookEventRaised(string Type, string EventId, string? TenantId, string? DistributorId, DateTimeOffset Timestamp, JsonElement Data)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static WebhookEventRaised Of<T>(string type, string eventId, string? tenantId, string? distributorId, DateTimeOffset at, T data) =>
        new(type, eventId, tenantId, distributorId, at, JsonSerializer.SerializeToElement(data, Json));

    public static WebhookEventRaised From(GatewaySignalV1 s) => Of(GatewayType(s.Signal), s.SignalId, s.TenantId, null, s.At, s);

    public static WebhookEventRaised From(DistributorSignalV1 s) => Of(
        s.Signal == DistributorSignals.PrepaymentLow ? WebhookEventTypes.PrepaymentLow : WebhookEventTypes.PrepaymentRecovered,
        s.SignalId, null, s.DistributorId, s.At, s);

    public static WebhookEventRaised HoldRefused(HoldRefusedV1 hold) =>
        Of(WebhookEventTypes.HoldRefused, hold.HoldId, hold.TenantId, null, hold.At, hold);

    /// <summary>The Standard Webhooks message id: the same for every attempt and replay of this event, to every endpoint.</summary>
    public string MessageId => "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Type}\n{EventId}")))[..32];

    /// <summary>The request body, serialised once so that every attempt sends the same bytes.</summary>
    public string Body() => JsonSerializer.Serialize(new WebhookPayloadV1<JsonElement>(Type, Timestamp, Data), Json);

    private static string GatewayType(string signal) => signal switch
    {
        GatewaySignals.CapWarning => WebhookEventTypes.CapWarning,
        GatewaySignals.CapReached => WebhookEventTypes.CapReached,
        GatewaySignals.CapRecovered => WebhookEventTypes.CapRecovered,
        GatewaySignals.CreditLimitWarning => WebhookEventTypes.CreditLimitWarning,
        GatewaySignals.CreditLimitReached => WebhookEventTypes.CreditLimitReached,
        GatewaySignals.CreditLimitRecovered => WebhookEventTypes.CreditLimitRecovered,
        GatewaySignals.Suspended => WebhookEventTypes.TenantSuspended,
        GatewaySignals.Reinstated => WebhookEventTypes.TenantReinstated,
        _ => "signal." + signal,
    };
}
