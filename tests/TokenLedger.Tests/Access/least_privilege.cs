using System.Security.Claims;
using NodaTime;
using Shouldly;
using TokenLedger.Access;
using TokenLedger.Usage;
using TokenLedger.Usage.RecordingUsage;
using Xunit;

namespace TokenLedger.Tests.Access;

/// <summary>Which credit-limit changes are raises (operator acts), and what a scoped gateway key may post.</summary>
public class least_privilege
{
    [Theory]
    [InlineData(null, null, false)]     // unlimited stays unlimited
    [InlineData(null, "1000", false)]   // unlimited to a limit lowers it
    [InlineData("1000", "500", false)]
    [InlineData("1000", "1000", false)]
    [InlineData("1000", "1000.01", true)]
    [InlineData("1000", null, true)]    // a limit to unlimited raises it
    [InlineData("0", "1", true)]
    public void a_credit_limit_change_is_a_raise_only_when_it_allows_more(string? current, string? requested, bool raises)
    {
        OperatorActs.RaisesCreditLimit(current is null ? null : decimal.Parse(current), requested is null ? null : decimal.Parse(requested))
            .ShouldBe(raises);
    }

    [Fact]
    public void a_gateway_key_without_scope_claims_has_no_scope_and_other_roles_none_either()
    {
        GatewayScope.Of(User(Roles.Gateway)).ShouldBeNull();
        GatewayScope.Of(User(Roles.Operator, (LedgerClaims.ScopeTenant, "acme"))).ShouldBeNull();
    }

    [Fact]
    public void items_outside_a_tenant_scope_are_refused_each_with_its_reason_and_the_rest_pass()
    {
        var scope = GatewayScope.Of(User(Roles.Gateway, (LedgerClaims.ScopeTenant, "acme"), (LedgerClaims.ScopeTenant, "globex")));
        var items = new[] { Item(0, "acme"), Item(1, "initech"), Item(2, "globex") };

        var scoped = GatewayScope.Apply(scope, items);

        scoped[0].ShouldBeSameAs(items[0]);
        scoped[2].ShouldBeSameAs(items[2]);
        scoped[1].IsValid.ShouldBeFalse();
        scoped[1].Errors.ShouldBe([new UsageFieldError("tenantId", "tenantId 'initech' is outside this key's scope")]);
        scoped[1].RawText.ShouldContain("initech");
    }

    [Fact]
    public void a_distributor_scope_refuses_another_distributor_and_usage_without_one()
    {
        var scope = GatewayScope.Of(User(Roles.Gateway, (LedgerClaims.ScopeDistributor, "d-1")));
        var scoped = GatewayScope.Apply(scope, [Item(0, "acme", "d-1"), Item(1, "acme", "d-2"), Item(2, "acme", null)]);

        scoped[0].IsValid.ShouldBeTrue();
        scoped[1].Errors.ShouldBe([new UsageFieldError("distributorId", "distributorId 'd-2' is outside this key's scope")]);
        scoped[2].Errors.ShouldBe([new UsageFieldError("distributorId", "this key may only post usage with distributorId 'd-1'")]);
    }

    [Fact]
    public void already_refused_items_keep_their_own_reasons()
    {
        var scope = GatewayScope.Of(User(Roles.Gateway, (LedgerClaims.ScopeTenant, "acme")));
        var refused = new UsageItem(0, "e0", null, [new UsageFieldError("model", "model is required")], "{}");

        GatewayScope.Apply(scope, [refused]).ShouldBe([refused]);
    }

    private static UsageItem Item(int index, string tenant, string? distributor = null) =>
        new(index, $"e{index}", new UsageRecord($"e{index}", tenant, "m", Instant.FromUtc(2026, 12, 1, 0, 0), 1, 0, 0, 1, DistributorId: distributor), [], "");

    private static ClaimsPrincipal User(string role, params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity([new Claim(LedgerClaims.Role, role), .. claims.Select(c => new Claim(c.Type, c.Value))], "test"));
}
