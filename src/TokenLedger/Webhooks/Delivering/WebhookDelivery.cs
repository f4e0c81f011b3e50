using NodaTime;

namespace TokenLedger.Webhooks.Delivering;

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    /// <summary>Every attempt of the schedule failed (the endpoint was then disabled), or the endpoint was disabled meanwhile.</summary>
    public const string Failed = "failed";
    /// <summary>The endpoint was disabled when the event was raised: recorded, not sent; replay it once the endpoint is enabled.</summary>
    public const string Skipped = "skipped";
    /// <summary>The subscription was deleted before the delivery succeeded.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>One attempt: when, the HTTP status the endpoint answered (null: no answer) or the error, and how long it took.</summary>
public sealed record WebhookAttempt(int Number, Instant At, int? StatusCode, string? Error, long DurationMs, bool Replay = false);

/// <summary>
/// The delivery log entry of one event to one endpoint (document id <c>{webhookId}/{deliveryId}</c>, where the delivery id
/// is the <c>webhook-id</c> header). <see cref="Body"/> is fixed when the event is raised, so every attempt sends the same
/// bytes. <see cref="Round"/> counts replays: a retry scheduled before a replay finds a newer round and stops.
/// </summary>
public sealed record WebhookDelivery(
    string Id, string WebhookId, string DeliveryId, string EventType, string EventId, string Body, Instant CreatedAt, long CreatedAtUnixMs,
    string Status, int Round, int AttemptsThisRound, IReadOnlyList<WebhookAttempt> Attempts, Instant? NextAttemptAt = null, Instant? DeliveredAt = null)
{
    /// <summary>The delivery log keeps the last attempts of a delivery replayed many times.</summary>
    public const int KeptAttempts = 50;

    public static string DocumentId(string webhookId, string deliveryId) => $"{webhookId}/{deliveryId}";

    public static WebhookDelivery For(WebhookSubscription webhook, WebhookEventRaised e, Instant now) => new(
        DocumentId(webhook.WebhookId, e.MessageId), webhook.WebhookId, e.MessageId, e.Type, e.EventId, e.Body(), now, now.ToUnixTimeMilliseconds(),
        webhook.IsDisabled ? DeliveryStatus.Skipped : DeliveryStatus.Pending, 0, 0, []);

    public bool IsFinal => Status is DeliveryStatus.Delivered or DeliveryStatus.Failed or DeliveryStatus.Skipped or DeliveryStatus.Cancelled;

    /// <summary>A replay was asked for and its first attempt has not been made yet: another replay would send it twice.</summary>
    public bool IsReplayUnderWay => Round > 0 && AttemptsThisRound == 0 && Status == DeliveryStatus.Pending;

    public WebhookDelivery Attempted(WebhookAttempt attempt) => this with
    {
        AttemptsThisRound = AttemptsThisRound + 1,
        Attempts = [.. Attempts.TakeLast(KeptAttempts - 1), attempt],
        Status = IsSuccess(attempt) ? DeliveryStatus.Delivered : Status,
        DeliveredAt = IsSuccess(attempt) ? attempt.At : DeliveredAt,
        NextAttemptAt = null,
    };

    public WebhookDelivery Replayed(Instant now) => this with { Round = Round + 1, AttemptsThisRound = 0, Status = DeliveryStatus.Pending, NextAttemptAt = now };

    public static bool IsSuccess(WebhookAttempt attempt) => attempt.StatusCode is >= 200 and < 300;
}

/// <summary>Attempt delivery <paramref name="DocumentId"/> (in round <paramref name="Round"/>) now.</summary>
public sealed record AttemptWebhookDelivery(string DocumentId, int Round);
