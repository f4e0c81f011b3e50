using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;

namespace TokenLedger.Webhooks.Deleting;

/// <summary>Delete a subscription: it receives nothing more, and deliveries still pending for it are cancelled.</summary>
public static class DeleteWebhook
{
    public static WebhookDeleted Decide(WebhookSubscription webhook, Instant now, string actedBy) =>
        new(webhook.WebhookId, webhook.TenantId, webhook.DistributorId, now, actedBy);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapDelete("/api/webhooks/{webhookId}", Handle).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks")
            .Produces(StatusCodes.Status204NoContent).WithSummary("Delete a webhook subscription; pending deliveries are cancelled");

    public static async Task<IResult> Handle(string webhookId, ClaimsPrincipal user, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<WebhookSubscription>(WebhookStreams.For(webhookId), ct);
        if (stream.Aggregate is not { IsDeleted: false } webhook || !user.MaySee(webhook))
            return Infrastructure.Problems.NotFound($"Webhook '{webhookId}' was not found");
        stream.AppendOne(Decide(webhook, clock.GetCurrentInstant(), user.KeyId()));
        session.Delete<WebhookSecret>(webhookId);
        await session.SaveChangesAsync(ct);
        return Results.NoContent();
    }
}
