using System.Security.Claims;

namespace TokenLedger.Access;

public static class LedgerClaims
{
    public const string Role = ClaimTypes.Role;
    public const string TenantId = "tokenledger:tenant";
    public const string DistributorId = "tokenledger:distributor";
    public const string KeyId = "tokenledger:key";
    /// <summary>On a scoped gateway key: one claim per tenant it may post usage for.</summary>
    public const string ScopeTenant = "tokenledger:scope-tenant";
    /// <summary>On a scoped gateway key: the only distributorId its usage may carry.</summary>
    public const string ScopeDistributor = "tokenledger:scope-distributor";
}

/// <summary>What the authenticated key may see. Tenant keys see only their own tenant; others are not told it exists.</summary>
public static class Caller
{
    public static bool MayReadTenant(this ClaimsPrincipal user, string tenantId) =>
        user.IsInRole(Roles.Operator) || user.IsInRole(Roles.Finance)
        || (user.IsInRole(Roles.Tenant) && user.FindFirstValue(LedgerClaims.TenantId) == tenantId);

    /// <summary>Operator and finance keys, and the distributor's own key; others are not told the distributor exists.</summary>
    public static bool MayActForDistributor(this ClaimsPrincipal user, string distributorId) =>
        user.IsInRole(Roles.Operator) || user.IsInRole(Roles.Finance)
        || (user.IsInRole(Roles.Distributor) && user.FindFirstValue(LedgerClaims.DistributorId) == distributorId);
}

public static class CallerIdentity
{
    public static string KeyId(this ClaimsPrincipal user) => user.FindFirstValue(LedgerClaims.KeyId) ?? "anonymous";
}
