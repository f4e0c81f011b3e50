using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Access.TrackingUse;

namespace TokenLedger.Access.ListingKeys;

/// <summary>
/// One key as an operator sees it: never the secret. <c>status</c> is active, expired, revoked, or environment (the
/// TOKENLEDGER_ADMIN_KEY, not stored). <c>lastUsedAt</c> is exact for this instance and written at most once a minute.
/// </summary>
public sealed record ApiKeyListing(
    string KeyId, string Role, string Status, string? TenantId, string? DistributorId, IReadOnlyList<string>? Tenants,
    string? IssuedBy, Instant? IssuedAt, Instant? ExpiresAt, Instant? RevokedAt, string? RevokedBy, Instant? LastUsedAt);

public static class ListApiKeys
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/keys", Handle).RequireAuthorization(Policies.Operator).Produces<ApiKeyListing[]>()
            .WithTags("Access").WithSummary("Every key: role, scope, who issued it and when, expiry, revocation and last use");

    public static async Task<IResult> Handle(IQuerySession session, KeyUseTracker uses, IOptions<AccessOptions> access, IClock clock, CancellationToken ct)
    {
        var keys = await session.Query<ApiKey>().ToListAsync(ct);
        var written = (await session.Query<ApiKeyLastUse>().ToListAsync(ct)).ToDictionary(u => u.Id, u => u.At);
        var now = clock.GetCurrentInstant();
        Instant? LastUse(string keyId) => Latest(uses.LatestOf(keyId), written.TryGetValue(keyId, out var at) ? at : null);

        var listing = keys.OrderBy(k => k.IssuedAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).Select(k => new ApiKeyListing(
            k.KeyId, k.Role, k.IsRevoked ? "revoked" : k.IsUsableAt(now) ? "active" : "expired", k.TenantId, k.DistributorId, k.ScopeTenants,
            k.IssuedBy, k.IssuedAt, k.ExpiresAt, k.RevokedAt, k.RevokedBy, LastUse(k.KeyId))).ToList();
        if (access.Value.AdminKey is { Length: > 0 } admin)
        {
            var id = ApiKeySecret.AdminKeyId(admin);
            listing.Insert(0, new ApiKeyListing(id, Roles.Operator, "environment", null, null, null, "TOKENLEDGER_ADMIN_KEY", null, null, null, null, LastUse(id)));
        }
        return Results.Ok(listing);
    }

    private static Instant? Latest(Instant? a, Instant? b) => a is null ? b : b is null ? a : Instant.Max(a.Value, b.Value);
}
