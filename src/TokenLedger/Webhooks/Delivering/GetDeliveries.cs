using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Infrastructure;

namespace TokenLedger.Webhooks.Delivering;

/// <summary>One delivery as the log shows it: the event, its status, every attempt (status code or error, when, how long).</summary>
public sealed record DeliveryView(
    string DeliveryId, string EventType, string EventId, string Status, Instant CreatedAt, Instant? DeliveredAt, Instant? NextAttemptAt,
    IReadOnlyList<WebhookAttempt> Attempts)
{
    public static DeliveryView From(WebhookDelivery d) => new(d.DeliveryId, d.EventType, d.EventId, d.Status, d.CreatedAt, d.DeliveredAt, d.NextAttemptAt, d.Attempts);
}

public sealed record DeliveryLog(string WebhookId, int Count, bool Truncated, IReadOnlyList<DeliveryView> Deliveries);

/// <summary>The delivery log of one endpoint, newest first, optionally by status.</summary>
public static class GetDeliveries
{
    public const int MaxLimit = 1000;
    private static readonly string[] Statuses = [DeliveryStatus.Pending, DeliveryStatus.Delivered, DeliveryStatus.Failed, DeliveryStatus.Skipped, DeliveryStatus.Cancelled];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/webhooks/{webhookId}/deliveries", List).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks").Produces<DeliveryLog>()
            .WithSummary("The delivery log of a webhook, newest first: status, attempts with status codes and timestamps");
        app.MapGet("/api/webhooks/{webhookId}/deliveries/{deliveryId}", One).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks")
            .Produces<DeliveryView>().WithSummary("One delivery of a webhook with every attempt");
    }

    public static async Task<IResult> List(string webhookId, string? status, int? limit, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        if (status is not null && !Statuses.Contains(status)) return Problems.BadRequest("status", $"status is one of {string.Join(", ", Statuses)}");
        if (limit is < 1 or > MaxLimit) return Problems.BadRequest("limit", $"limit must be between 1 and {MaxLimit}");
        var (_, notFound) = await WebhookAccess.FindAsync(session, user, webhookId, ct);
        if (notFound is not null) return notFound;
        var take = limit ?? 100;
        var query = session.Query<WebhookDelivery>().Where(d => d.WebhookId == webhookId);
        if (status is not null) query = query.Where(d => d.Status == status);
        var page = await query.OrderByDescending(d => d.CreatedAtUnixMs).Take(take + 1).ToListAsync(ct);
        var truncated = page.Count > take;
        var shown = page.Take(take).Select(DeliveryView.From).ToList();
        return Results.Ok(new DeliveryLog(webhookId, shown.Count, truncated, shown));
    }

    public static async Task<IResult> One(string webhookId, string deliveryId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var (_, notFound) = await WebhookAccess.FindAsync(session, user, webhookId, ct);
        if (notFound is not null) return notFound;
        var delivery = await session.LoadAsync<WebhookDelivery>(WebhookDelivery.DocumentId(webhookId, deliveryId), ct);
        return delivery is null ? Problems.NotFound($"Delivery '{deliveryId}' of webhook '{webhookId}' was not found") : Results.Ok(DeliveryView.From(delivery));
    }
}
