using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Webhooks.Enabling;

/// <summary>Enable a disabled endpoint again. Deliveries that failed or were skipped meanwhile are not resent: replay them.</summary>
public static class EnableWebhook
{
    public static WebhookEnabled? Decide(WebhookSubscription webhook, Instant now, string actedBy) =>
        webhook.IsDisabled ? new WebhookEnabled(webhook.WebhookId, webhook.TenantId, webhook.DistributorId, now, actedBy) : null;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/{webhookId}/enable", Handle).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks")
            .Produces<WebhookView>().WithSummary("Enable a webhook that was disabled after failing; enabling an enabled one changes nothing");

    public static async Task<IResult> Handle(string webhookId, ClaimsPrincipal user, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<WebhookSubscription>(WebhookStreams.For(webhookId), ct);
        if (stream.Aggregate is not { IsDeleted: false } webhook || !user.MaySee(webhook)) return Problems.NotFound($"Webhook '{webhookId}' was not found");
        if (Decide(webhook, clock.GetCurrentInstant(), user.KeyId()) is not { } enabled) return Results.Ok(WebhookView.From(webhook));
        stream.AppendOne(enabled);
        await session.SaveChangesAsync(ct);
        return Results.Ok(WebhookView.From(webhook.Apply(enabled)));
    }
}
