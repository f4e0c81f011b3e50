using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Contracts.Webhooks;
using Wolverine;

namespace TokenLedger.Webhooks.Delivering;

/// <summary>
/// One attempt of one delivery. A failure schedules the next attempt through the durable queue after the wait the retry
/// schedule gives (TokenLedger:Webhooks:RetrySchedule); after the last, the delivery is failed and its endpoint disabled,
/// with a warning in the log and a <c>webhook.disabled</c> event to the operator's subscriptions. Each endpoint has a few
/// in-flight slots of its own, so a slow or dead receiver never holds up deliveries to the others.
/// </summary>
public static class WebhookDeliveryHandler
{
    public const string Queue = "webhook-deliveries";

    /// <summary>How long an attempt waits for a slot when its endpoint already has all of its attempts in flight.</summary>
    public static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(1);

    public static async Task<OutgoingMessages> Handle(
        AttemptWebhookDelivery attempt, IDocumentSession session, WebhookSender sender, IOptions<WebhookOptions> options, IClock clock,
        ILogger<WebhookSender> logger, CancellationToken ct)
    {
        var messages = new OutgoingMessages();
        var delivery = await session.LoadAsync<WebhookDelivery>(attempt.DocumentId, ct);
        if (delivery is null || delivery.Round != attempt.Round || delivery.IsFinal) return messages;
        var webhook = await session.LoadAsync<WebhookSubscription>(WebhookStreams.For(delivery.WebhookId), ct);
        if (webhook is null || webhook.IsDeleted)
        {
            session.Store(delivery with { Status = DeliveryStatus.Cancelled, NextAttemptAt = null });
            return messages;
        }
        if (webhook.IsDisabled)
        {
            session.Store(delivery with { Status = DeliveryStatus.Failed, NextAttemptAt = null });
            return messages;
        }
        var secrets = await session.LoadAsync<WebhookSecret>(webhook.WebhookId, ct);
        if (secrets is null) return messages;
        if (!sender.TryEnter(webhook.WebhookId))
        {
            messages.Add(attempt.DelayedFor(SlotWait));
            return messages;
        }
        WebhookAttempt result;
        try
        {
            result = await sender.SendAsync(webhook.Url, delivery, secrets.SigningAt(clock.GetCurrentInstant()), replay: delivery.Round > 0, ct);
        }
        finally
        {
            sender.Leave(webhook.WebhookId);
        }

        var after = delivery.Attempted(result);
        if (after.Status == DeliveryStatus.Delivered)
        {
            session.Store(after);
            return messages;
        }
        var schedule = options.Value.Schedule;
        if (after.AttemptsThisRound <= schedule.Count)
        {
            var wait = schedule[after.AttemptsThisRound - 1];
            session.Store(after with { NextAttemptAt = result.At + Duration.FromTimeSpan(wait) });
            messages.Add(attempt.DelayedFor(wait));
            return messages;
        }

        session.Store(after with { Status = DeliveryStatus.Failed });
        var stream = await session.Events.FetchForWriting<WebhookSubscription>(WebhookStreams.For(webhook.WebhookId), ct);
        var reason = $"delivery {delivery.DeliveryId} failed all {after.AttemptsThisRound} attempts (last: {result.Error})";
        if (stream.Aggregate is { IsDeleted: false, IsDisabled: false } current)
        {
            stream.AppendOne(Disable(current, reason, delivery.DeliveryId, result.At));
            logger.LogWarning("Webhook {WebhookId} ({Url}) disabled: {Reason}", webhook.WebhookId, webhook.Url, reason);
            messages.Add(WebhookEventRaised.Of(WebhookEventTypes.WebhookDisabled, $"{webhook.WebhookId}:disabled:{stream.CurrentVersion + 1}", null, null,
                result.At.ToDateTimeOffset(),
                new WebhookDisabledV1(webhook.WebhookId, webhook.Url, webhook.TenantId, webhook.DistributorId, reason, delivery.DeliveryId, result.At.ToDateTimeOffset())));
        }
        return messages;
    }

    public static WebhookDisabled Disable(WebhookSubscription webhook, string reason, string deliveryId, Instant now) =>
        new(webhook.WebhookId, webhook.TenantId, webhook.DistributorId, reason, deliveryId, now);
}
