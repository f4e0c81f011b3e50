using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Infrastructure;

namespace TokenLedger.Access.RevokingKeys;

/// <summary>
/// Revokes a stored key: a new <see cref="ApiKeyRevoked"/> fact in the key's stream. This instance forgets the key at once;
/// other instances stop accepting it when their auth cache entry ends (at most TokenLedger:Access:CacheSeconds, 30 s).
/// Revoking a revoked key changes nothing. A key cannot revoke itself: rotation issues the new key first.
/// </summary>
public sealed record RevokeApiKey(string KeyId, string RevokedBy)
{
    public static ApiKeyRevoked? Decide(RevokeApiKey command, ApiKey key, Instant now) =>
        key.IsRevoked ? null : new ApiKeyRevoked(key.KeyId, command.RevokedBy, now);
}

public sealed record RevokedApiKeyResponse(string KeyId, Instant RevokedAt, string RevokedBy);

public static class RevokeApiKeyEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapDelete("/api/keys/{keyId}", Handle).RequireAuthorization(Policies.Operator).Produces<RevokedApiKeyResponse>()
            .WithTags("Access").WithSummary("Revoke a key; it answers 401 within the auth cache lifetime (at most 30 s)");

    public static async Task<IResult> Handle(
        string keyId, ClaimsPrincipal user, IDocumentSession session, ApiKeyCache cache, IClock clock, CancellationToken ct)
    {
        if (keyId.StartsWith(ApiKeySecret.AdminKeyPrefix, StringComparison.Ordinal))
            return Problems.BadRequest("keyId", "the environment's admin key is not stored: unset TOKENLEDGER_ADMIN_KEY (or set it to 'disabled') and restart");
        if (!ApiKeySecret.IsKeyId(keyId)) return Problems.BadRequest("keyId", "keyId is the 16 lower-case hex digits returned when the key was issued");
        if (keyId == user.KeyId()) return Problems.BadRequest("keyId", "a key cannot revoke itself; revoke it with another operator key");

        var stream = await session.Events.FetchForWriting<ApiKey>(ApiKeyStreams.For(keyId), ct);
        if (stream.Aggregate is not { } key) return Problems.NotFound($"Key '{keyId}' was not found");
        var revoked = RevokeApiKey.Decide(new RevokeApiKey(keyId, user.KeyId()), key, clock.GetCurrentInstant());
        if (revoked is not null)
        {
            stream.AppendOne(revoked);
            await session.SaveChangesAsync(ct);
        }
        cache.Forget(keyId);
        return Results.Ok(new RevokedApiKeyResponse(keyId, revoked?.RevokedAt ?? key.RevokedAt!.Value, revoked?.RevokedBy ?? key.RevokedBy!));
    }
}
