using NodaTime;
using TokenLedger.Contracts.Webhooks;

namespace TokenLedger.Webhooks;

/// <summary>An endpoint subscribed to webhook events. No tenant and no distributor: an operator subscription (every event).</summary>
public sealed record WebhookSubscribed(
    string WebhookId, string? TenantId, string? DistributorId, string Url, IReadOnlyList<string> EventTypes, string? Description,
    Instant At, string ActedBy);

/// <summary>The signing secret was replaced; the previous one keeps signing until <paramref name="PreviousSecretExpiresAt"/>.</summary>
public sealed record WebhookSecretRotated(string WebhookId, string? TenantId, string? DistributorId, Instant PreviousSecretExpiresAt, Instant At, string ActedBy);

/// <summary>The endpoint failed every attempt of delivery <paramref name="DeliveryId"/> and receives nothing until enabled.</summary>
public sealed record WebhookDisabled(string WebhookId, string? TenantId, string? DistributorId, string Reason, string DeliveryId, Instant At);

/// <summary>A disabled endpoint was enabled again by a key.</summary>
public sealed record WebhookEnabled(string WebhookId, string? TenantId, string? DistributorId, Instant At, string ActedBy);

/// <summary>The subscription was deleted; deliveries still pending for it are cancelled.</summary>
public sealed record WebhookDeleted(string WebhookId, string? TenantId, string? DistributorId, Instant At, string ActedBy);

/// <summary>Inline snapshot of a webhook stream (<see cref="WebhookStreams"/>). The secrets are not here: see <see cref="WebhookSecret"/>.</summary>
public sealed partial record WebhookSubscription(
    string Id, string WebhookId, string? TenantId, string? DistributorId, string Url, IReadOnlyList<string> EventTypes, string? Description,
    Instant CreatedAt, Instant? SecretRotatedAt = null, Instant? DisabledAt = null, string? DisabledReason = null, Instant? DeletedAt = null)
{
    public static WebhookSubscription Create(WebhookSubscribed e) =>
        new(WebhookStreams.For(e.WebhookId), e.WebhookId, e.TenantId, e.DistributorId, e.Url, e.EventTypes, e.Description, e.At);

    public WebhookSubscription Apply(WebhookSecretRotated e) => this with { SecretRotatedAt = e.At };
    public WebhookSubscription Apply(WebhookDisabled e) => this with { DisabledAt = e.At, DisabledReason = e.Reason };
    public WebhookSubscription Apply(WebhookEnabled e) => this with { DisabledAt = null, DisabledReason = null };
    public WebhookSubscription Apply(WebhookDeleted e) => this with { DeletedAt = e.At };

    public bool IsDeleted => DeletedAt is not null;
    public bool IsDisabled => DisabledAt is not null;
    public bool IsOperators => TenantId is null && DistributorId is null;

    /// <summary>Whether this subscription wants the event: its owner's (operators: all), of a type its filter names.</summary>
    public bool Wants(WebhookEventRaised e) =>
        !IsDeleted && Matches(EventTypes, e.Type)
        && (IsOperators || (e.Type != WebhookEventTypes.WebhookDisabled
                            && ((TenantId is not null && TenantId == e.TenantId) || (DistributorId is not null && DistributorId == e.DistributorId))));

    public static bool Matches(IReadOnlyList<string> filter, string type) =>
        filter.Count == 0 || filter.Any(f => f == type || (f.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(f[..^1], StringComparison.Ordinal)));
}

public static class WebhookStreams
{
    public static string For(string webhookId) => $"webhook:{webhookId}";
}

/// <summary>
/// The signing secrets of one endpoint, kept out of the event stream (the audit shows events). The previous secret signs
/// too until <see cref="PreviousUntil"/>, so a receiver can switch at its own pace.
/// </summary>
public sealed record WebhookSecret(string Id, string Current, string? Previous = null, Instant? PreviousUntil = null)
{
    public IReadOnlyList<string> SigningAt(Instant now) =>
        Previous is not null && PreviousUntil is { } until && now < until ? [Current, Previous] : [Current];

    public WebhookSecret Rotate(string next, Instant previousUntil) => this with { Current = next, Previous = Current, PreviousUntil = previousUntil };
}
