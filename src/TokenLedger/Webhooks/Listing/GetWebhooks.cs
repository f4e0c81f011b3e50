using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using TokenLedger.Contracts.Webhooks;

namespace TokenLedger.Webhooks.Listing;

public sealed record WebhookList(IReadOnlyList<WebhookView> Webhooks);

public sealed record WebhookCatalogue(IReadOnlyList<string> EventTypes, IReadOnlyList<string> RetrySchedule, bool AllowPrivateAddresses);

/// <summary>The subscriptions the key may see (operator: all; tenant and distributor keys: their own), one, and the event catalogue.</summary>
public static class GetWebhooks
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/webhooks", List).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks").Produces<WebhookList>()
            .WithSummary("The webhook subscriptions this key may see, with their status (enabled or disabled and why)");
        app.MapGet("/api/webhooks/event-types", Catalogue).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks").Produces<WebhookCatalogue>()
            .WithSummary("The event types a subscription can filter on, and the retry schedule in force");
        app.MapGet("/api/webhooks/{webhookId}", One).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks").Produces<WebhookView>()
            .WithSummary("One webhook subscription");
    }

    public static async Task<IResult> List(ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var all = await session.Query<WebhookSubscription>().Where(w => w.DeletedAt == null).ToListAsync(ct);
        return Results.Ok(new WebhookList(all.Where(user.MaySee).OrderBy(w => w.CreatedAt).Select(w => WebhookView.From(w)).ToList()));
    }

    public static async Task<IResult> One(string webhookId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var (webhook, notFound) = await WebhookAccess.FindAsync(session, user, webhookId, ct);
        return notFound ?? Results.Ok(WebhookView.From(webhook!));
    }

    public static IResult Catalogue(IOptions<WebhookOptions> options) =>
        Results.Ok(new WebhookCatalogue(WebhookEventTypes.All, options.Value.Schedule.Select(d => d.ToString("c")).ToList(), options.Value.AllowPrivateAddresses));
}
