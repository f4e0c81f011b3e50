using NodaTime;
using Shouldly;
using TokenLedger.Access;
using TokenLedger.Access.IssuingKeys;
using Xunit;

namespace TokenLedger.Tests.Access.IssuingKeys;

/// <summary><see cref="IssueApiKey"/>: expiry bounds and the scope a gateway key may carry.</summary>
public class issuing_scoped_and_expiring_keys
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 6, 8, 0);
    private readonly IssueApiKey.Validator _validator = new(Now);

    [Fact]
    public void an_expiry_in_the_past_or_now_is_refused_naming_expires_at()
    {
        ErrorsOf(new IssueApiKey(Roles.Finance, null, null, Now)).ShouldBe([("ExpiresAt", "expiresAt must be in the future")]);
        ErrorsOf(new IssueApiKey(Roles.Finance, null, null, Now - Duration.FromDays(1))).ShouldBe([("ExpiresAt", "expiresAt must be in the future")]);
    }

    [Fact]
    public void an_expiry_beyond_366_days_is_refused_and_366_days_is_allowed()
    {
        ErrorsOf(new IssueApiKey(Roles.Gateway, null, null, Now + Duration.FromDays(366) + Duration.FromSeconds(1)))
            .ShouldBe([("ExpiresAt", "expiresAt must be at most 366 days ahead; rotate the key before then")]);
        ErrorsOf(new IssueApiKey(Roles.Gateway, null, null, Now + Duration.FromDays(366))).ShouldBeEmpty();
    }

    [Fact]
    public void a_gateway_key_may_be_scoped_to_tenants_and_a_distributor()
    {
        ErrorsOf(new IssueApiKey(Roles.Gateway, null, "d-1", null, ["acme", "globex"])).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("finance")]
    [InlineData("operator")]
    [InlineData("distributor")]
    public void only_gateway_keys_carry_a_tenants_scope(string role)
    {
        ErrorsOf(new IssueApiKey(role, null, role == Roles.Distributor ? "d-1" : null, null, ["acme"]))
            .ShouldBe([("Tenants", "only gateway keys carry a tenants scope")]);
    }

    [Theory]
    [InlineData("finance")]
    [InlineData("operator")]
    public void only_distributor_and_gateway_keys_carry_a_distributor_id(string role)
    {
        ErrorsOf(new IssueApiKey(role, null, "d-1")).ShouldBe([("DistributorId", "only distributor and gateway keys carry a distributorId")]);
    }

    [Fact]
    public void an_empty_scope_or_a_bad_tenant_id_in_it_is_refused()
    {
        ErrorsOf(new IssueApiKey(Roles.Gateway, null, null, null, [])).Select(e => e.Property).ShouldBe(["Tenants"]);
        ErrorsOf(new IssueApiKey(Roles.Gateway, null, null, null, ["ok", "bad id\0"])).Select(e => e.Property).ShouldBe(["Tenants"]);
        ErrorsOf(new IssueApiKey(Roles.Gateway, null, "bad id", null, null)).Select(e => e.Property).ShouldBe(["DistributorId"]);
    }

    [Fact]
    public void issuing_records_who_issued_the_expiry_and_the_scope_sorted_without_duplicates()
    {
        var secret = ApiKeySecret.Generate();
        var issued = IssueApiKey.Decide(new IssueApiKey(Roles.Gateway, null, "d-1", Now + Duration.FromDays(30), ["globex", "acme", "globex"]),
            secret, "0123456789abcdef", Now);

        issued.IssuedBy.ShouldBe("0123456789abcdef");
        issued.ExpiresAt.ShouldBe(Now + Duration.FromDays(30));
        issued.DistributorId.ShouldBe("d-1");
        issued.ScopeTenants.ShouldBe(["acme", "globex"]);
    }

    private List<(string Property, string Message)> ErrorsOf(IssueApiKey command) =>
        _validator.Validate(command).Errors.Select(e => (e.PropertyName, e.ErrorMessage)).ToList();
}
