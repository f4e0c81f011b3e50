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

/// <summary>An API key was issued. Only the SHA-256 of the secret key is kept; the key itself is shown once.</summary>
public sealed record ApiKeyIssued(string KeyId, string Role, string? TenantId, string? DistributorId, string KeyHash, Instant IssuedAt);

/// <summary>Inline snapshot of a key stream, looked up by key id on every authenticated request.</summary>
public sealed partial record ApiKey(string Id, string KeyId, string Role, string? TenantId, string? DistributorId, string KeyHash, Instant IssuedAt)
{
    public static ApiKey Create(ApiKeyIssued e) =>
        new(ApiKeyStreams.For(e.KeyId), e.KeyId, e.Role, e.TenantId, e.DistributorId, e.KeyHash, e.IssuedAt);
}

public static class ApiKeyStreams
{
    public static string For(string keyId) => $"apikey:{keyId}";
}
