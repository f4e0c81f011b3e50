using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Balances.GettingBalance;
using TenantStreams = TokenLedger.Tenants.TenantStreams;
using static TokenLedger.Tests.Balances.AccountSpec;

namespace TokenLedger.Tests.Balances;

public sealed class when_caps_reset
{
    [Fact]
    public void a_rolling_cap_resets_when_its_oldest_usage_leaves_the_window_and_a_month_cap_at_the_next_month_in_the_tenants_zone()
    {
        var t = At("2026-06-30T10:00:00Z");
        var plan = CodingPlan(requestsPer5h: 100, monthTokens: 1000, intro: null);
        var spec = new AccountSpec().WithPlan(plan).Given(new PlanSubscriptionRequested(Tenant, "lite", t), Many(t, 3), Many(t.Plus(Duration.FromMinutes(90)), 2));

        var caps = spec.Account.CapUse(plan, t.Plus(Duration.FromHours(2)));
        caps.Single(c => c.Subject == "rolling-5h:requests").ShouldSatisfyAllConditions(
            c => c.Used.ShouldBe(5), c => c.ResetsAt.ShouldBe(t.Plus(Duration.FromHours(5))));
        // 2026-06-30T16:00Z is 2026-07-01 00:00 in Shanghai.
        caps.Single(c => c.Subject == "month:tokens").ResetsAt.ShouldBe(At("2026-06-30T16:00:00Z"));

        // Once the first 3 requests have left, the window next rolls when the later 2 leave it.
        spec.Account.CapUse(plan, t.Plus(Duration.FromHours(5))).Single(c => c.Subject == "rolling-5h:requests")
            .ShouldSatisfyAllConditions(c => c.Used.ShouldBe(2), c => c.ResetsAt.ShouldBe(t.Plus(Duration.FromMinutes(390))));
        // An empty window has nothing to reset.
        spec.Account.CapUse(plan, t.Plus(Duration.FromHours(7))).Single(c => c.Subject == "rolling-5h:requests").ResetsAt.ShouldBeNull();
    }

    [Fact]
    public void the_balance_shows_when_each_cap_resets()
    {
        var t = At("2026-06-30T10:00:00Z");
        var plan = CodingPlan(requestsPer5h: 100, intro: null);
        var spec = new AccountSpec().WithPlan(plan).Given(new PlanSubscriptionRequested(Tenant, "lite", t), Many(t, 3));
        var tenant = new TokenLedger.Tenants.Tenant(TenantStreams.For(AccountSpec.Tenant), AccountSpec.Tenant, "Acme", "Asia/Shanghai", "CNY", t);

        var caps = BalanceResponse.From(spec.Account, tenant, t.Plus(Duration.FromMinutes(1)), plan).Plan!.Caps;
        caps.Select(c => (c.Name, c.ResetsAt)).ShouldBe([("rolling-5h:requests", t.Plus(Duration.FromHours(5))), ("month:tokens", At("2026-06-30T16:00:00Z"))]);
    }
}
