using NodaTime;

namespace TokenLedger.Access;

public static class Roles
{
    public const string Operator = "operator";
    public const string Gateway = "gateway";
    public const string Tenant = "tenant";
    public const string Distributor = "distributor";
    public const string Finance = "finance";

    public static readonly IReadOnlyList<string> All = [Operator, Gateway, Tenant, Distributor, Finance];
}

/// <summary>
/// An API key was issued. Only the SHA-256 of the secret key is kept; the key itself is shown once.
/// <c>IssuedBy</c> is the acting key id; <c>ExpiresAt</c> ends the key; <c>ScopeTenants</c> (gateway keys) limits the
/// tenants it may post usage for, as <c>DistributorId</c> on a gateway key limits the distributor.
/// </summary>
public sealed record ApiKeyIssued(
    string KeyId, string Role, string? TenantId, string? DistributorId, string KeyHash, Instant IssuedAt,
    string? IssuedBy = null, Instant? ExpiresAt = null, IReadOnlyList<string>? ScopeTenants = null);

/// <summary>A key was revoked by another operator key. A new fact: the issue stays in the stream.</summary>
public sealed record ApiKeyRevoked(string KeyId, string RevokedBy, Instant RevokedAt);

/// <summary>Inline snapshot of a key stream, looked up by key id when a key is not in the auth cache.</summary>
public sealed partial record ApiKey(
    string Id, string KeyId, string Role, string? TenantId, string? DistributorId, string KeyHash, Instant IssuedAt,
    string? IssuedBy = null, Instant? ExpiresAt = null, IReadOnlyList<string>? ScopeTenants = null,
    Instant? RevokedAt = null, string? RevokedBy = null)
{
    public static ApiKey Create(ApiKeyIssued e) =>
        new(ApiKeyStreams.For(e.KeyId), e.KeyId, e.Role, e.TenantId, e.DistributorId, e.KeyHash, e.IssuedAt,
            e.IssuedBy, e.ExpiresAt, e.ScopeTenants);

    public ApiKey Apply(ApiKeyRevoked e) => this with { RevokedAt = e.RevokedAt, RevokedBy = e.RevokedBy };

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>Whether the key authenticates at <paramref name="now"/>: not revoked and not past its expiry.</summary>
    public bool IsUsableAt(Instant now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}

public static class ApiKeyStreams
{
    public static string For(string keyId) => $"apikey:{keyId}";
}
