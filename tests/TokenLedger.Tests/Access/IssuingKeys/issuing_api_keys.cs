using NodaTime;
using Shouldly;
using TokenLedger.Access;
using TokenLedger.Access.IssuingKeys;
using Xunit;

namespace TokenLedger.Tests.Access.IssuingKeys;

/// <summary><see cref="IssueApiKey"/>: which role/binding combinations are allowed, and the event it decides.</summary>
public class issuing_api_keys
{
    private const string RoleError = "role must be one of: operator, gateway, tenant, distributor, finance";
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 12, 8, 0);
    private readonly IssueApiKey.Validator _validator = new(Now);

    [Theory]
    [InlineData("operator", null, null)]
    [InlineData("gateway", null, null)]
    [InlineData("finance", null, null)]
    [InlineData("tenant", "acme", null)]
    [InlineData("distributor", null, "cn-east-reseller-07")]
    public void a_key_for_a_known_role_with_the_binding_it_needs_passes(string role, string? tenantId, string? distributorId)
    {
        _validator.Validate(new IssueApiKey(role, tenantId, distributorId)).IsValid.ShouldBeTrue();
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("")]
    [InlineData("Operator")]
    [InlineData("operator ")]
    public void an_unknown_role_fails_listing_the_known_ones(string role)
    {
        ErrorsOf(new IssueApiKey(role, null, null)).ShouldBe([("Role", RoleError)]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void a_tenant_key_without_a_tenant_id_fails(string? tenantId)
    {
        ErrorsOf(new IssueApiKey(Roles.Tenant, tenantId, null)).ShouldBe([("TenantId", "a tenant key needs a tenantId")]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void a_distributor_key_without_a_distributor_id_fails(string? distributorId)
    {
        ErrorsOf(new IssueApiKey(Roles.Distributor, null, distributorId))
            .ShouldBe([("DistributorId", "a distributor key needs a distributorId")]);
    }

    [Theory]
    [InlineData("operator")]
    [InlineData("gateway")]
    [InlineData("distributor")]
    public void only_tenant_keys_may_carry_a_tenant_id(string role)
    {
        ErrorsOf(new IssueApiKey(role, "acme", role == Roles.Distributor ? "d-1" : null))
            .ShouldBe([("TenantId", "only tenant keys carry a tenantId")]);
    }

    [Fact]
    public void an_empty_tenant_id_on_another_role_counts_as_none()
    {
        _validator.Validate(new IssueApiKey(Roles.Gateway, "", null)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void issuing_records_the_key_id_role_bindings_and_hash_but_never_the_key()
    {
        var secret = ApiKeySecret.Generate();
        var now = Instant.FromUtc(2026, 6, 12, 8, 0);

        var issued = IssueApiKey.Decide(new IssueApiKey(Roles.Tenant, "acme", null), secret, "admin:0123456789ab", now);

        issued.ShouldBe(new ApiKeyIssued(secret.KeyId, "tenant", "acme", null, secret.Hash, now, "admin:0123456789ab"));
        issued.ToString().ShouldNotContain(secret.Key);
    }

    [Fact]
    public void an_issued_key_builds_the_snapshot_keyed_by_its_stream()
    {
        var issued = new ApiKeyIssued("0123456789abcdef", Roles.Distributor, null, "d-1", "hash", Instant.FromUtc(2026, 6, 12, 8, 0));

        ApiKey.Create(issued).ShouldBe(
            new ApiKey("apikey:0123456789abcdef", "0123456789abcdef", "distributor", null, "d-1", "hash", issued.IssuedAt));
    }

    private List<(string Property, string Message)> ErrorsOf(IssueApiKey command) =>
        _validator.Validate(command).Errors.Select(e => (e.PropertyName, e.ErrorMessage)).ToList();
}
