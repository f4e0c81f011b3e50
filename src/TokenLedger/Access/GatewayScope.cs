using System.Security.Claims;
using System.Text.Json;
using TokenLedger.Usage;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Access;

/// <summary>
/// What a scoped gateway key may post usage for: a set of tenants, a distributorId, or both. An item outside the scope is
/// refused on its own, with its reason; the other items of the same request are recorded.
/// </summary>
public sealed record GatewayScope(IReadOnlySet<string>? Tenants, string? DistributorId)
{
    /// <summary>The caller's scope, or null when it has none (operator keys, unscoped gateway keys).</summary>
    public static GatewayScope? Of(ClaimsPrincipal user)
    {
        if (!user.IsInRole(Roles.Gateway)) return null;
        var tenants = user.FindAll(LedgerClaims.ScopeTenant).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var distributor = user.FindFirstValue(LedgerClaims.ScopeDistributor);
        return tenants.Count == 0 && distributor is null ? null : new GatewayScope(tenants.Count == 0 ? null : tenants, distributor);
    }

    public UsageFieldError? Refusal(UsageRecord record) => Refusal(record.TenantId, record.DistributorId);

    /// <summary>Why this key may not act for the tenant and distributorId, or null when it may.</summary>
    public UsageFieldError? Refusal(string tenantId, string? distributorId) =>
        Tenants is not null && !Tenants.Contains(tenantId)
            ? new("tenantId", $"tenantId '{tenantId}' is outside this key's scope")
            : DistributorId is not null && distributorId != DistributorId
                ? new("distributorId", distributorId is null
                    ? $"this key may only post usage with distributorId '{DistributorId}'"
                    : $"distributorId '{distributorId}' is outside this key's scope")
                : null;

    /// <summary>Items outside the scope become refused items; the rest pass unchanged.</summary>
    public static IReadOnlyList<UsageItem> Apply(GatewayScope? scope, IReadOnlyList<UsageItem> items) =>
        scope is null ? items : items.Select(item => item.Record is { } record && scope.Refusal(record) is { } refusal
            ? item with { Record = null, Errors = [refusal], RawText = Sample(record) }
            : item).ToList();

    private static string Sample(UsageRecord r) =>
        JsonSerializer.Serialize(new { eventId = r.EventId, tenantId = r.TenantId, distributorId = r.DistributorId, model = r.Model });
}
