using NodaTime;

namespace TokenLedger.Webhooks;

/// <summary>A subscription as the API shows it. The secret is shown only when it is created or rotated.</summary>
public sealed record WebhookView(
    string Id, string Owner, string? TenantId, string? DistributorId, string Url, IReadOnlyList<string> EventTypes, string? Description,
    string Status, Instant CreatedAt, Instant? SecretRotatedAt, Instant? DisabledAt, string? DisabledReason, string? Secret = null,
    Instant? PreviousSecretExpiresAt = null)
{
    public static WebhookView From(WebhookSubscription w, string? secret = null, Instant? previousSecretExpiresAt = null) =>
        new(w.WebhookId, w.TenantId is not null ? "tenant" : w.DistributorId is not null ? "distributor" : "operator",
            w.TenantId, w.DistributorId, w.Url, w.EventTypes, w.Description, w.IsDisabled ? "disabled" : "enabled", w.CreatedAt,
            w.SecretRotatedAt, w.DisabledAt, w.DisabledReason, secret, previousSecretExpiresAt);
}
