using NodaTime;
using Shouldly;
using TokenLedger.Balances.Holds;

namespace TokenLedger.Tests.Balances.Holds;

public sealed class choosing_the_hold_ttl
{
    [Fact]
    public void without_a_call_or_tenant_ttl_a_hold_lives_10_minutes() => HoldDecider.Ttl(null, null).ShouldBe(Duration.FromMinutes(10));

    [Fact]
    public void the_tenants_default_applies_when_the_call_names_none() => HoldDecider.Ttl(null, 120).ShouldBe(Duration.FromSeconds(120));

    [Fact]
    public void the_calls_ttl_wins_over_the_tenants_default() => HoldDecider.Ttl(30, 120).ShouldBe(Duration.FromSeconds(30));

    [Fact]
    public void a_hold_expires_its_ttl_after_it_is_placed()
    {
        var spec = new HoldSpec(new TokenLedger.Balances.FundsToppedUp(TokenLedger.Tests.Balances.AccountSpec.Tenant, "t1", 10, "CNY", null, HoldSpec.T, "k"));
        HoldSpec.Granted(spec.Ask(1, ttlSeconds: (int)HoldDecider.Ttl(null, 45).TotalSeconds)).ExpiresAt.ShouldBe(HoldSpec.T + Duration.FromSeconds(45));
    }
}
