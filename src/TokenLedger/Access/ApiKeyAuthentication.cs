using System.Security.Claims;
using System.Text.Encodings.Web;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenLedger.Access;

public sealed class AccessOptions
{
    /// <summary>An operator key taken from configuration (TOKENLEDGER_ADMIN_KEY); never stored.</summary>
    public string? AdminKey { get; set; }
}

/// <summary>Authenticates <c>Authorization: Bearer tl_…</c> keys against the hashed keys in the ledger.</summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDocumentStore store, IMemoryCache cache, IOptions<AccessOptions> access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();

        if (access.Value.AdminKey is { Length: > 0 } admin && ApiKeySecret.Matches(presented, ApiKeySecret.Hash(admin)))
            return Success(new ApiKey("admin", "admin", Roles.Operator, null, null, "", default));

        var keyId = ApiKeySecret.KeyIdOf(presented);
        var key = keyId is null ? null : await FindAsync(keyId);
        return key is not null && ApiKeySecret.Matches(presented, key.KeyHash)
            ? Success(key)
            : AuthenticateResult.Fail("The API key is not valid");
    }

    private async Task<ApiKey?> FindAsync(string keyId) =>
        await cache.GetOrCreateAsync($"apikey:{keyId}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            await using var session = store.QuerySession();
            return await session.LoadAsync<ApiKey>(ApiKeyStreams.For(keyId), Context.RequestAborted);
        });

    private AuthenticateResult Success(ApiKey key)
    {
        var claims = new List<Claim> { new(LedgerClaims.Role, key.Role), new(LedgerClaims.KeyId, key.KeyId) };
        if (key.TenantId is not null) claims.Add(new(LedgerClaims.TenantId, key.TenantId));
        if (key.DistributorId is not null) claims.Add(new(LedgerClaims.DistributorId, key.DistributorId));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
