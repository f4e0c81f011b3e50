using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Balances.Holds;
using TokenLedger.Contracts.Signals;
using static TokenLedger.Tests.Balances.AccountSpec;
using static TokenLedger.Tests.Balances.Holds.HoldSpec;

namespace TokenLedger.Tests.Balances.Holds;

public sealed class settling_holds
{
    private static HoldSpec Prepaid(decimal wallet, decimal? limit = 0) =>
        new(new FundsToppedUp(Tenant, "t1", wallet, "CNY", null, T, "k"), new CreditTermsSet(Tenant, limit, [.. FundingSources.Prepaid], T));

    [Fact]
    public void usage_with_the_request_id_settles_the_hold_charging_the_actual_amount_and_releasing_the_rest()
    {
        var spec = Prepaid(100);
        var hold = Granted(spec.Ask(10, requestId: "req-1"));
        spec.FundTail();

        var decided = spec.Funding.When(HeldUsage("req-1", 7));

        decided.OfType<HoldSettled>().Single().ShouldBe(new HoldSettled(Tenant, hold.HoldId, "req-1", "e1", FundingSources.Wallet, 10, 7, 3, T, "gw"));
        spec.Funding.Account.Holds.ShouldBeEmpty();
        spec.Funding.Account.Wallet.ShouldBe(93);
        spec.Position.MoneyHeldAt(T).ShouldBe(0);
    }

    [Fact]
    public void usage_beyond_the_hold_is_charged_in_full_through_the_normal_drawdown()
    {
        var spec = Prepaid(5, limit: null);
        Granted(spec.Ask(4, requestId: "req-1"));
        spec.FundTail();
        var decided = spec.Funding.When(HeldUsage("req-1", 9));
        decided.OfType<HoldSettled>().Single().ShouldBe(new HoldSettled(Tenant, "h1", "req-1", "e1", FundingSources.Wallet, 4, 9, 0, T, "gw"));
        (spec.Funding.Account.Wallet, spec.Funding.Account.PostpaidUnbilled).ShouldBe((0m, 4m));
    }

    [Fact]
    public void usage_twice_settles_once_and_the_second_is_simply_charged()
    {
        var spec = Prepaid(100);
        Granted(spec.Ask(10, requestId: "req-1"));
        spec.FundTail();
        spec.Funding.When(HeldUsage("req-1", 7)).OfType<HoldSettled>().Count().ShouldBe(1);
        spec.Funding.When(HeldUsage("req-1", 7, eventId: "e2")).OfType<HoldSettled>().ShouldBeEmpty();
        spec.Funding.Account.Wallet.ShouldBe(86);
    }

    [Fact]
    public void usage_without_a_hold_is_simply_charged()
    {
        var spec = Prepaid(100);
        spec.Funding.When(HeldUsage("req-unknown", 7)).OfType<HoldSettled>().ShouldBeEmpty();
        spec.Funding.Account.Wallet.ShouldBe(93);
    }

    [Fact]
    public void a_void_releases_an_open_hold_and_does_nothing_after_the_usage_settled_it()
    {
        var open = Prepaid(100);
        var hold = Granted(open.Ask(10, requestId: "req-1"));
        open.Tail(new HoldVoided(Tenant, hold.HoldId, "req-1", T, "gw"));
        open.Position.MoneyHeldAt(T).ShouldBe(10, "a voided hold counts until funding releases it");
        open.FundTail().OfType<HoldReleased>().Single().ShouldBe(new HoldReleased(Tenant, hold.HoldId, "req-1", FundingSources.Wallet, 10, HoldReasons.Voided, T, "gw"));
        open.Position.MoneyHeldAt(T).ShouldBe(0);

        var settled = Prepaid(100);
        Granted(settled.Ask(10, requestId: "req-1"));
        settled.FundTail();
        settled.Funding.When(HeldUsage("req-1", 7));
        settled.Tail(new HoldVoided(Tenant, "h1", "req-1", T, "gw"));
        settled.FundTail().ShouldBeEmpty();
        settled.Funding.Account.Wallet.ShouldBe(93);
    }

    [Fact]
    public void a_hold_expiring_while_its_usage_is_in_flight_is_settled_or_released_never_both()
    {
        var at = T + Duration.FromMinutes(10);
        // The usage reached the ledger before the expiry: it settles, the expiry then finds nothing open.
        var first = Prepaid(100);
        Granted(first.Ask(10, requestId: "req-1"));
        first.FundTail();
        var sweep = HoldDecider.Expire(first.Position, Tenant, at);
        sweep.Count.ShouldBe(1);
        var usageFirst = first.Funding.When(HeldUsage("req-1", 7, at: at));
        first.Tail(sweep[0]);
        var expiryAfter = first.FundTail();
        (usageFirst.OfType<HoldSettled>().Count(), expiryAfter.OfType<HoldReleased>().Count()).ShouldBe((1, 0));

        // The expiry reached the ledger first: it releases, the usage is then charged like usage without a hold.
        var second = Prepaid(100);
        Granted(second.Ask(10, requestId: "req-1"));
        second.FundTail();
        second.Tail(HoldDecider.Expire(second.Position, Tenant, at).Single());
        var released = second.FundTail();
        var usageAfter = second.Funding.When(HeldUsage("req-1", 7, at: at));
        (released.OfType<HoldReleased>().Single().Reason, usageAfter.OfType<HoldSettled>().Count()).ShouldBe((HoldReasons.Expired, 0));
        second.Funding.Account.Wallet.ShouldBe(93);
    }

    [Fact]
    public void the_sweeper_expires_a_hold_once_and_only_after_its_expiry()
    {
        var spec = Prepaid(100);
        Granted(spec.Ask(10, ttlSeconds: 60));
        HoldDecider.Expire(spec.Position, Tenant, T + Duration.FromSeconds(59)).ShouldBeEmpty();
        var expired = HoldDecider.Expire(spec.Position, Tenant, T + Duration.FromSeconds(60));
        expired.Single().ShouldBe(new HoldExpired(Tenant, "h1", "r1", T + Duration.FromSeconds(60), T + Duration.FromSeconds(60)));
        spec.Tail(expired[0]);
        HoldDecider.Expire(spec.Position, Tenant, T + Duration.FromSeconds(61)).ShouldBeEmpty();
        spec.Position.MoneyHeldAt(T).ShouldBe(10, "an expired hold counts until funding releases it");
        HoldDecider.Void(spec.Position, spec.Position.Find("h1")!, Tenant, "gw", T).ShouldBeNull();
    }

    [Fact]
    public void a_hold_for_a_voided_request_id_is_not_placed_again()
    {
        var spec = Prepaid(100);
        var hold = Granted(spec.Ask(10, requestId: "req-1"));
        spec.Tail(new HoldVoided(Tenant, hold.HoldId, "req-1", T, "gw"));
        spec.Ask(10, requestId: "req-1").ShouldBeOfType<HoldClosed>();
    }

    [Fact]
    public void holds_on_postpaid_count_against_the_credit_limit_signal()
    {
        var spec = Prepaid(0, limit: 10);
        Granted(spec.Ask(10)).Source.ShouldBe(FundingSources.Postpaid);
        var signal = spec.FundTail().OfType<GatewaySignalRaised>().Single().Signal;
        (signal.Signal, signal.Used).ShouldBe((GatewaySignals.CreditLimitReached, 10m));
    }

    [Fact]
    public void plan_holds_settle_into_the_plan_counters()
    {
        var plan = CodingPlan(requestsPer5h: 2);
        var spec = Prepaid(100);
        spec.Plan = plan;
        spec.Funding.WithPlan(plan).Given(new PlanSubscriptionRequested(Tenant, plan.PlanId, T - Duration.FromHours(1)));
        Granted(spec.Ask(1, requestId: "req-1", maxIn: 10, maxOut: 0)).Source.ShouldBe(FundingSources.Plan);
        spec.FundTail();
        spec.Funding.When(HeldUsage("req-1", 5)).OfType<HoldSettled>().Single().Released.ShouldBe(0);
        spec.Funding.Account.CapUseWithHolds(plan, T)[0].Used.ShouldBe(1);
        Granted(spec.Ask(1, maxIn: 10, maxOut: 0)).Source.ShouldBe(FundingSources.Plan);
        spec.Ask(1, maxIn: 10, maxOut: 0).ShouldBeOfType<HoldRefused>().Reason.ShouldBe(HoldReasons.CapReached);
    }
}
