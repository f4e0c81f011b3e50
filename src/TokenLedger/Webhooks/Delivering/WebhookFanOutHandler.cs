using Marten;
using NodaTime;
using Wolverine;

namespace TokenLedger.Webhooks.Delivering;

/// <summary>
/// Turns a raised event into one delivery per subscription that wants it, each with its first attempt, in one
/// transaction. The delivery id is derived from the event, so an event fanned out twice (the outbox delivers at least
/// once) finds its deliveries recorded and sends nothing again.
/// </summary>
public static class WebhookFanOutHandler
{
    public const string Queue = "webhooks";

    public static Task<OutgoingMessages> Handle(WebhookEventRaised raised, IDocumentSession session, IClock clock, CancellationToken ct) =>
        FanOutAsync(raised, session, clock, ct);

    private static async Task<OutgoingMessages> FanOutAsync(WebhookEventRaised raised, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        var messages = new OutgoingMessages();
        var subscriptions = (await session.Query<WebhookSubscription>().Where(w => w.DeletedAt == null).ToListAsync(ct)).Where(w => w.Wants(raised)).ToList();
        if (subscriptions.Count == 0) return messages;
        var ids = subscriptions.Select(w => WebhookDelivery.DocumentId(w.WebhookId, raised.MessageId)).ToArray();
        var existing = (await session.LoadManyAsync<WebhookDelivery>(ct, ids)).Select(d => d.Id).ToHashSet();
        var now = clock.GetCurrentInstant();
        foreach (var webhook in subscriptions.Where(w => !existing.Contains(WebhookDelivery.DocumentId(w.WebhookId, raised.MessageId))))
        {
            var delivery = WebhookDelivery.For(webhook, raised, now);
            session.Insert(delivery);
            if (delivery.Status == DeliveryStatus.Pending) messages.Add(new AttemptWebhookDelivery(delivery.Id, delivery.Round));
        }
        return messages;
    }
}
