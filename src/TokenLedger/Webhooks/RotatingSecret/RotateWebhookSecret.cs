using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;

namespace TokenLedger.Webhooks.RotatingSecret;

/// <summary>
/// Replace the signing secret. The answer shows the new one, once; every request carries a signature by the new secret
/// and, until <c>previousSecretExpiresAt</c> (TokenLedger:Webhooks:SecretOverlap, 24 h), one by the previous secret too,
/// so a receiver verifies with either while it switches.
/// </summary>
[Idempotent]
public sealed record RotateWebhookSecret
{
    public static WebhookSecretRotated Decide(WebhookSubscription webhook, Instant now, Duration overlap, string actedBy) =>
        new(webhook.WebhookId, webhook.TenantId, webhook.DistributorId, now + overlap, now, actedBy);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/{webhookId}/rotate-secret", Handle).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks")
            .Accepts<RotateWebhookSecret>("application/json").Produces<WebhookView>().WithSummary("Rotate the signing secret; the previous one keeps signing for the overlap (24 h by default)");

    public static async Task<IResult> Handle(string webhookId, ClaimsPrincipal user, IDocumentSession session, IClock clock, IOptions<WebhookOptions> options, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<WebhookSubscription>(WebhookStreams.For(webhookId), ct);
        if (stream.Aggregate is not { IsDeleted: false } webhook || !user.MaySee(webhook)) return Problems.NotFound($"Webhook '{webhookId}' was not found");
        var rotated = Decide(webhook, clock.GetCurrentInstant(), Duration.FromTimeSpan(options.Value.SecretOverlap), user.KeyId());
        var secrets = await session.LoadAsync<WebhookSecret>(webhookId, ct) ?? throw new InvalidOperationException($"webhook {webhookId} has no secret");
        var next = StandardWebhookSignature.NewSecret();
        stream.AppendOne(rotated);
        session.Store(secrets.Rotate(next, rotated.PreviousSecretExpiresAt));
        await session.SaveChangesAsync(ct);
        return Results.Ok(WebhookView.From(webhook.Apply(rotated), next, rotated.PreviousSecretExpiresAt));
    }
}
