using System.Security.Claims;
using System.Text.Encodings.Web;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Access.Throttling;
using TokenLedger.Access.TrackingUse;

namespace TokenLedger.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer tl_…</c> keys against the hashed keys in the ledger. A key id is looked up at
/// most once per cache lifetime (found or not); a revoked or expired key fails like an unknown one.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDocumentStore store, ApiKeyCache cache, IOptions<AccessOptions> access, IClock clock, KeyUseTracker uses,
    LedgerRateLimiter limiter)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();
        var now = clock.GetCurrentInstant();

        if (access.Value.AdminKey is { Length: > 0 } admin && ApiKeySecret.Matches(presented, ApiKeySecret.Hash(admin)))
        {
            var adminKeyId = ApiKeySecret.AdminKeyId(admin);
            uses.Touch(adminKeyId, now);
            return Success(new ApiKey(adminKeyId, adminKeyId, Roles.Operator, null, null, "", default));
        }

        var keyId = ApiKeySecret.KeyIdOf(presented);
        var key = keyId is null ? null : await FindAsync(keyId);
        if (key is null || !ApiKeySecret.Matches(presented, key.KeyHash)) return AuthenticateResult.Fail("The API key is not valid");
        if (!key.IsUsableAt(now)) return AuthenticateResult.Fail(key.IsRevoked ? "The API key was revoked" : "The API key has expired");
        uses.Touch(key.KeyId, now);
        return Success(key);
    }

    private async Task<ApiKey?> FindAsync(string keyId)
    {
        if (cache.TryGet(keyId, out var cached)) return cached;
        // An address whose failed attempts used up its bucket gets no lookup; the rate limiter answers it 429.
        if (limiter.FailedAuthExhausted(Context)) return null;
        await using var session = store.QuerySession();
        var key = await session.LoadAsync<ApiKey>(ApiKeyStreams.For(keyId), Context.RequestAborted);
        cache.Remember(keyId, key);
        return key;
    }

    private AuthenticateResult Success(ApiKey key)
    {
        var claims = new List<Claim> { new(LedgerClaims.Role, key.Role), new(LedgerClaims.KeyId, key.KeyId) };
        if (key.TenantId is not null) claims.Add(new(LedgerClaims.TenantId, key.TenantId));
        if (key.DistributorId is not null)
            claims.Add(new(key.Role == Roles.Gateway ? LedgerClaims.ScopeDistributor : LedgerClaims.DistributorId, key.DistributorId));
        foreach (var tenant in key.ScopeTenants ?? []) claims.Add(new(LedgerClaims.ScopeTenant, tenant));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
