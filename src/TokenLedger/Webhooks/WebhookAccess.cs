using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Webhooks;

/// <summary>
/// Who may see and change a subscription: the operator every one; a tenant or distributor key only its own (the others
/// are not found). Other roles get 403 from the <see cref="Policy"/>.
/// </summary>
public static class WebhookAccess
{
    public const string Policy = "webhooks";

    public static void AddWebhookPolicy(this Microsoft.AspNetCore.Authorization.AuthorizationOptions options) =>
        options.AddPolicy(Policy, p => p.RequireRole(Roles.Operator, Roles.Tenant, Roles.Distributor));

    public static bool MaySee(this ClaimsPrincipal user, WebhookSubscription w) =>
        user.IsInRole(Roles.Operator)
        || (user.IsInRole(Roles.Tenant) && w.TenantId is not null && w.TenantId == user.FindFirstValue(LedgerClaims.TenantId))
        || (user.IsInRole(Roles.Distributor) && w.DistributorId is not null && w.DistributorId == user.FindFirstValue(LedgerClaims.DistributorId));

    /// <summary>The subscription if it exists, is not deleted and the caller may see it; else a 404 answer.</summary>
    public static async Task<(WebhookSubscription? Webhook, IResult? NotFound)> FindAsync(IQuerySession session, ClaimsPrincipal user, string webhookId, CancellationToken ct)
    {
        var webhook = await session.LoadAsync<WebhookSubscription>(WebhookStreams.For(webhookId), ct);
        return webhook is { IsDeleted: false } && user.MaySee(webhook)
            ? (webhook, null)
            : (null, Problems.NotFound($"Webhook '{webhookId}' was not found"));
    }
}
