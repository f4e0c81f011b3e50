using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Balances.Holds;
using TokenLedger.Plans;
using static TokenLedger.Tests.Balances.AccountSpec;
using static TokenLedger.Tests.Balances.Holds.HoldSpec;

namespace TokenLedger.Tests.Balances.Holds;

public sealed class placing_holds
{
    private static object Limit(decimal? limit) => new CreditTermsSet(Tenant, limit, [.. FundingSources.Prepaid], T);

    [Fact]
    public void a_hold_the_wallet_covers_is_placed_on_the_wallet_until_its_ttl()
    {
        var spec = new HoldSpec(Wallet(100), Limit(0));
        var hold = Granted(spec.Ask(10, ttlSeconds: 120));
        (hold.Source, hold.Amount, hold.PlacedAt, hold.ExpiresAt).ShouldBe((FundingSources.Wallet, 10m, T, T + Duration.FromMinutes(2)));
    }

    [Fact]
    public void a_prepaid_tenant_that_can_pay_exactly_100_gets_100_grants_out_of_250()
    {
        var spec = new HoldSpec(Wallet(100), Limit(0));
        var decisions = Enumerable.Range(0, 250).Select(_ => spec.Ask(1)).ToList();
        decisions.Count(d => d is HoldGranted).ShouldBe(100);
        decisions.OfType<HoldRefused>().Select(r => r.Reason).Distinct().ShouldBe([HoldReasons.InsufficientFunds]);
        spec.Position.MoneyHeldAt(T).ShouldBe(100);
    }

    [Fact]
    public void holds_still_count_after_funding_has_read_them()
    {
        var spec = new HoldSpec(Wallet(10), Limit(0));
        Granted(spec.Ask(6));
        spec.FundTail();
        spec.Funding.Account.MoneyHeld.ShouldBe(6);
        spec.Ask(5).ShouldBeOfType<HoldRefused>().Reason.ShouldBe(HoldReasons.InsufficientFunds);
        Granted(spec.Ask(4)).Source.ShouldBe(FundingSources.Wallet);
    }

    [Fact]
    public void beyond_prepaid_funds_a_hold_sits_on_postpaid_headroom_up_to_the_credit_limit()
    {
        var spec = new HoldSpec(Wallet(5), Limit(10));
        Granted(spec.Ask(4)).Source.ShouldBe(FundingSources.Wallet);
        Granted(spec.Ask(4)).Source.ShouldBe(FundingSources.Postpaid);
        Granted(spec.Ask(7)).Source.ShouldBe(FundingSources.Postpaid);
        var refused = spec.Ask(0.000001m).ShouldBeOfType<HoldRefused>();
        refused.Reason.ShouldBe(HoldReasons.CreditLimitReached);
    }

    [Fact]
    public void unlimited_postpaid_never_refuses_for_money()
    {
        var spec = new HoldSpec(Wallet(1));
        Granted(spec.Ask(1)).Source.ShouldBe(FundingSources.Wallet);
        Granted(spec.Ask(1_000_000)).Source.ShouldBe(FundingSources.Postpaid);
    }

    [Fact]
    public void credits_then_wallet_in_the_drawdown_order()
    {
        var spec = new HoldSpec(new CreditGranted(Tenant, "c1", 5, "CNY", Far, 0, "promo", T), Wallet(10), Limit(0));
        Granted(spec.Ask(4)).Source.ShouldBe(FundingSources.Credit);
        Granted(spec.Ask(4)).Source.ShouldBe(FundingSources.Wallet);
        Granted(spec.Ask(7)).Source.ShouldBe(FundingSources.Wallet);
        spec.Ask(0.5m).ShouldBeOfType<HoldRefused>();
    }

    [Fact]
    public void an_expired_credit_is_not_funds()
    {
        var spec = new HoldSpec(new CreditGranted(Tenant, "c1", 5, "CNY", T + Duration.FromMinutes(1), 0, "promo", T), Limit(0));
        Granted(spec.Ask(5)).Source.ShouldBe(FundingSources.Credit);
        var later = new HoldSpec(new CreditGranted(Tenant, "c1", 5, "CNY", T + Duration.FromMinutes(1), 0, "promo", T), Limit(0));
        later.Ask(5, at: T + Duration.FromMinutes(1)).ShouldBeOfType<HoldRefused>().Reason.ShouldBe(HoldReasons.InsufficientFunds);
    }

    [Fact]
    public void a_suspended_tenant_is_refused_whatever_its_funds()
    {
        var spec = new HoldSpec(Wallet(100)) { Suspended = true };
        spec.Ask(1).ShouldBeOfType<HoldRefused>().Reason.ShouldBe(HoldReasons.Suspended);
    }

    [Fact]
    public void the_same_request_id_gives_the_same_hold()
    {
        var spec = new HoldSpec(Wallet(10), Limit(0));
        var first = Granted(spec.Ask(6, requestId: "req-1"));
        var again = spec.Ask(6, requestId: "req-1").ShouldBeOfType<HoldGranted>();
        again.Replayed.ShouldBeTrue();
        (again.Hold.HoldId, again.Hold.Amount, again.Hold.ExpiresAt).ShouldBe((first.HoldId, first.Amount, first.ExpiresAt));
        spec.Position.MoneyHeldAt(T).ShouldBe(6);
        spec.FundTail();
        spec.Ask(6, requestId: "req-1").ShouldBeOfType<HoldGranted>().Hold.HoldId.ShouldBe(first.HoldId);
    }

    [Fact]
    public void a_plan_holds_one_request_against_every_cap_and_block_refuses_at_the_cap()
    {
        var plan = CodingPlan(requestsPer5h: 100, policy: OveragePolicy.Block);
        var spec = new HoldSpec(Wallet(1000), Limit(0)) { Plan = plan };
        spec.Funding.WithPlan(plan).Given(new PlanSubscriptionRequested(Tenant, plan.PlanId, T - Duration.FromHours(1)));
        var decisions = Enumerable.Range(0, 250).Select(_ => spec.Ask(1, maxIn: 10, maxOut: 0)).ToList();
        decisions.OfType<HoldGranted>().Select(g => g.Hold.Source).ShouldAllBe(s => s == FundingSources.Plan);
        decisions.Count(d => d is HoldGranted).ShouldBe(100);
        decisions.OfType<HoldRefused>().Select(r => r.Reason).Distinct().ShouldBe([HoldReasons.CapReached]);
        spec.Position.MoneyHeldAt(T).ShouldBe(0);
    }

    [Fact]
    public void a_plan_token_cap_counts_the_maximum_tokens_of_open_holds()
    {
        var plan = CodingPlan(requestsPer5h: 1000, monthTokens: 1000);
        var spec = new HoldSpec(Limit(0)) { Plan = plan };
        spec.Funding.WithPlan(plan).Given(new PlanSubscriptionRequested(Tenant, plan.PlanId, T - Duration.FromHours(1)));
        Granted(spec.Ask(1, maxIn: 600, maxOut: 300)).Source.ShouldBe(FundingSources.Plan);
        // 900 of 1,000 used: the hold that crosses the cap is still covered, as usage that crosses it is.
        Granted(spec.Ask(1, maxIn: 100, maxOut: 0)).Source.ShouldBe(FundingSources.Plan);
        spec.Ask(1, maxIn: 1, maxOut: 0).ShouldBeOfType<HoldRefused>().Reason.ShouldBe(HoldReasons.CapReached);
    }

    [Fact]
    public void over_the_cap_a_payg_plan_holds_money_instead()
    {
        var plan = CodingPlan(requestsPer5h: 1, policy: OveragePolicy.Payg, fee: 0, intro: null);
        var spec = new HoldSpec(Wallet(3), Limit(0)) { Plan = plan };
        spec.Funding.WithPlan(plan).Given(new PlanSubscriptionRequested(Tenant, plan.PlanId, T - Duration.FromHours(1)));
        Granted(spec.Ask(1)).Source.ShouldBe(FundingSources.Plan);
        Granted(spec.Ask(3)).Source.ShouldBe(FundingSources.Wallet);
        spec.Ask(1).ShouldBeOfType<HoldRefused>().Reason.ShouldBe(HoldReasons.InsufficientFunds);
    }

    [Fact]
    public void a_model_the_plan_does_not_cover_is_held_on_money()
    {
        var plan = CodingPlan(requestsPer5h: 100);
        var spec = new HoldSpec(Wallet(1000), Limit(0)) { Plan = plan };
        spec.Funding.WithPlan(plan).Given(new PlanSubscriptionRequested(Tenant, plan.PlanId, T - Duration.FromHours(1)));
        Granted(spec.Ask(1, model: "other")).Source.ShouldBe(FundingSources.Wallet);
    }
}
