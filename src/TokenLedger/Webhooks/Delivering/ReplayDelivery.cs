using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;
using Wolverine.Marten;

namespace TokenLedger.Webhooks.Delivering;

/// <summary>
/// Send a delivery again now, whatever its status, with the same <c>webhook-id</c> and body (a receiver that already
/// has it drops the copy), and a fresh retry schedule if it fails. The endpoint must be enabled. Answers 202: the attempt
/// leaves through the outbox; follow it in the delivery log.
/// <para>
/// A replay claims the delivery: one replay request makes one send. While a replay's first attempt has not been made
/// (<see cref="WebhookDelivery.IsReplayUnderWay"/>) another replay answers 409, and two replays that read the delivery
/// at the same moment cannot both commit (the document is stored against the version it was read at, Marten's
/// optimistic concurrency): the loser answers 409 too. So concurrent replays of one delivery send it once.
/// </para>
/// </summary>
[Idempotent]
public sealed record ReplayDelivery
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/{webhookId}/deliveries/{deliveryId}/replay", Handle).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks")
            .Accepts<ReplayDelivery>("application/json").Produces<DeliveryView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replay a delivery now (same webhook-id and body); it gets a fresh retry schedule. 409 while a replay of it is under way");

    public static async Task<IResult> Handle(string webhookId, string deliveryId, ClaimsPrincipal user, IDocumentSession session, IMartenOutbox outbox, IClock clock, CancellationToken ct)
    {
        var (webhook, notFound) = await WebhookAccess.FindAsync(session, user, webhookId, ct);
        if (notFound is not null) return notFound;
        if (webhook!.IsDisabled) return Problems.Conflict($"webhook '{webhookId}' is disabled ({webhook.DisabledReason}); enable it first: POST /api/webhooks/{webhookId}/enable");
        var delivery = await session.LoadAsync<WebhookDelivery>(WebhookDelivery.DocumentId(webhookId, deliveryId), ct);
        if (delivery is null) return Problems.NotFound($"Delivery '{deliveryId}' of webhook '{webhookId}' was not found");
        if (delivery.IsReplayUnderWay)
            return Problems.Conflict($"delivery '{deliveryId}' is already being replayed (round {delivery.Round}, not attempted yet); follow it at GET /api/webhooks/{webhookId}/deliveries/{deliveryId}");
        var replayed = delivery.Replayed(clock.GetCurrentInstant());
        session.Store(replayed);
        outbox.Enroll(session);
        await outbox.PublishAsync(new AttemptWebhookDelivery(replayed.Id, replayed.Round));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (JasperFx.ConcurrencyException)
        {
            return Problems.Conflict($"delivery '{deliveryId}' was claimed by a concurrent replay request; follow it at GET /api/webhooks/{webhookId}/deliveries/{deliveryId}");
        }
        return Results.Accepted($"/api/webhooks/{webhookId}/deliveries/{deliveryId}", DeliveryView.From(replayed));
    }
}
