using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Contracts.Signals;
using static TokenLedger.Tests.Balances.AccountSpec;

namespace TokenLedger.Tests.Balances;

public sealed class time_in_the_account
{
    private static IEnumerable<string> Signals(IReadOnlyList<object> events) => events.OfType<GatewaySignalRaised>().Select(s => $"{s.Signal.Subject} {s.Signal.Signal}");

    [Theory]
    [InlineData("Asia/Shanghai", "2026-07-01T00:00:00+08:00")]
    // New York's clocks go forward at 2026-03-08 02:00; midnight that day is 05:00Z.
    [InlineData("America/New_York", "2026-03-08T00:00:00-05:00")]
    public void a_credit_leaves_the_balance_at_its_exact_expiry_instant(string zone, string expiry)
    {
        var expiresAt = NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse(expiry).Value.ToInstant();
        var spec = new AccountSpec(zone).Given(new CreditGranted(Tenant, "c1", 10, "CNY", expiresAt, 0, "promo", expiresAt.Minus(Duration.FromDays(10))));

        spec.When(new AccountClockTicked(Tenant, expiresAt.Minus(Duration.FromTicks(1)))).ShouldBeEmpty();
        spec.When(UsageOf(expiresAt.Minus(Duration.FromTicks(1)), 4)).OfType<UsageFunded>().Single().Items.Single().Allocations.Single().Source.ShouldBe("credit");
        spec.When(new AccountClockTicked(Tenant, expiresAt)).ShouldBe([new CreditExpired(Tenant, "c1", 6, expiresAt)]);
        spec.When(UsageOf(expiresAt, 4, id: "e2")).OfType<UsageFunded>().Single().Items.Single().Allocations.Single().Source.ShouldBe("postpaid");
    }

    [Fact]
    public void a_package_expires_at_the_end_of_its_validity_even_without_usage()
    {
        var to = At("2026-06-30T16:00:00Z");
        var spec = new AccountSpec().Given(new TokenPackagePurchased(Tenant, "p1", "pack", 1000, [], new Dictionary<string, decimal> { ["input"] = 1 }, 9.9m, "CNY", to.Minus(Duration.FromDays(30)), to, to.Minus(Duration.FromDays(30))));
        spec.Account.NextDue().ShouldBe(to);
        spec.When(new AccountClockTicked(Tenant, to.Plus(Duration.FromSeconds(3)))).ShouldBe([new TokenPackageExpired(Tenant, "p1", 1000, to)]);
    }

    [Fact]
    public void a_rolling_5_hour_cap_warns_at_80_reaches_at_100_and_recovers_when_the_window_rolls()
    {
        var t = At("2026-06-10T01:00:00Z");
        var spec = new AccountSpec().WithPlan(CodingPlan()).Given(new PlanSubscriptionRequested(Tenant, "lite", t));

        Signals(spec.When(Many(t, 8))).ShouldBe(["rolling-5h:requests cap-warning"]);
        Signals(spec.When(Many(t.Plus(Duration.FromMinutes(30)), 2))).ShouldBe(["rolling-5h:requests cap-reached"]);
        Signals(spec.When(Many(t.Plus(Duration.FromMinutes(31)), 1))).ShouldBeEmpty();
        spec.Account.NextDue().ShouldBe(t.Plus(Duration.FromHours(5)));
        // The 8 requests at t leave the window 5 hours later; 3 of 10 remain.
        Signals(spec.When(new AccountClockTicked(Tenant, t.Plus(Duration.FromHours(5))))).ShouldBe(["rolling-5h:requests cap-recovered"]);
    }

    [Fact]
    public void beyond_the_cap_block_and_payg_charge_the_retail_price_and_throttle_keeps_the_plan_paying()
    {
        var t = At("2026-06-10T01:00:00Z");
        foreach (var (policy, source, flag) in new[] { (Plans.OveragePolicy.Block, "postpaid", FundingFlags.OverCapBlocked), (Plans.OveragePolicy.Payg, "postpaid", FundingFlags.OverCapPayg), (Plans.OveragePolicy.Throttle, "plan", FundingFlags.OverCapThrottled) })
        {
            var spec = new AccountSpec().WithPlan(CodingPlan(requestsPer5h: 2, policy: policy, intro: null, fee: 0)).Given(new PlanSubscriptionRequested(Tenant, "lite", t), Many(t, 2));
            var over = spec.When(UsageOf(t, 5, id: "over")).OfType<UsageFunded>().Single().Items.Single();
            over.Allocations.Single().Source.ShouldBe(source);
            over.Flags.ShouldBe([flag]);
        }
    }

    [Fact]
    public void a_month_cap_counts_calendar_months_in_the_tenants_zone()
    {
        // 2026-06-30T16:00Z is 2026-07-01 00:00 in Shanghai.
        var spec = new AccountSpec().WithPlan(CodingPlan(requestsPer5h: 1000, monthTokens: 100, intro: null))
            .Given(new PlanSubscriptionRequested(Tenant, "lite", At("2026-06-20T00:00:00Z")));
        Signals(spec.When(UsageOf(At("2026-06-30T15:59:59.999Z"), 100))).ShouldBe(["month:tokens cap-reached"]);
        spec.Account.NextDue().ShouldBe(At("2026-06-30T16:00:00Z"));
        Signals(spec.When(new AccountClockTicked(Tenant, At("2026-06-30T16:00:00Z")))).ShouldBe(["month:tokens cap-recovered"]);
        spec.When(UsageOf(At("2026-06-30T16:00:00Z"), 50, id: "e2")).OfType<UsageFunded>().Single().Items.Single().Allocations.Single().Source.ShouldBe("plan");
    }

    [Fact]
    public void the_intro_price_ends_after_its_months_and_renewals_follow_the_anniversary_in_the_tenants_zone()
    {
        // Subscribed 2026-01-31 10:00 Shanghai: periods start Feb 28, Mar 31, Apr 30 at 10:00 Shanghai.
        var start = At("2026-01-31T02:00:00Z");
        var spec = new AccountSpec().WithPlan(CodingPlan()).Given(new PlanSubscriptionRequested(Tenant, "lite", start));
        spec.Account.Subscription!.PeriodEnd.ShouldBe(At("2026-02-28T02:00:00Z"));

        var renewals = spec.When(new AccountClockTicked(Tenant, At("2026-04-30T02:00:00Z")));

        renewals.OfType<SubscriptionRenewed>().Select(r => r.PeriodStart).ShouldBe([At("2026-02-28T02:00:00Z"), At("2026-03-31T02:00:00Z"), At("2026-04-30T02:00:00Z")]);
        renewals.OfType<SubscriptionFeeCharged>().Select(f => (f.Kind, f.Amount)).ShouldBe([("intro", 9.9m), ("monthly", 40m), ("monthly", 40m)]);
        spec.Account.Totals.SubscriptionFees.ShouldBe(9.9m + 9.9m + 40m + 40m);
    }

    [Fact]
    public void a_mid_period_plan_change_credits_the_unused_share_and_charges_the_new_plan_for_it()
    {
        var start = At("2026-06-01T00:00:00Z");
        var spec = new AccountSpec("UTC").WithPlan(CodingPlan("lite", intro: null, fee: 40m)).WithPlan(CodingPlan("pro", intro: null, fee: 200m))
            .Given(new FundsToppedUp(Tenant, "t1", 100, "CNY", null, start, "k"), new PlanSubscriptionRequested(Tenant, "lite", start));
        spec.Account.Wallet.ShouldBe(60m);

        // June has 30 days; on the 21st at 00:00, 10 days (1/3) are left.
        var changed = spec.When(new PlanChangeRequested(Tenant, "pro", At("2026-06-21T00:00:00Z")));

        changed.OfType<SubscriptionFeeCharged>().Select(f => (f.PlanId, f.Kind, f.Amount)).ShouldBe([("lite", "proration-credit", -13.33m), ("pro", "proration-charge", 66.67m)]);
        spec.Account.Subscription!.PlanId.ShouldBe("pro");
        spec.Account.Wallet.ShouldBe(60m + 13.33m - 66.67m);
        spec.Account.PostpaidUnbilled.ShouldBe(0m);
    }

    [Fact]
    public void a_cancelled_subscription_ends_at_the_end_of_its_period_and_its_cap_signals_recover()
    {
        var start = At("2026-06-01T00:00:00Z");
        var spec = new AccountSpec("UTC").WithPlan(CodingPlan(requestsPer5h: 2, intro: null)).Given(new PlanSubscriptionRequested(Tenant, "lite", start));
        spec.When(new PlanCancellationRequested(Tenant, At("2026-06-29T23:00:00Z")));
        spec.When(Many(At("2026-06-29T23:00:00Z"), 2)).OfType<GatewaySignalRaised>().Single().Signal.Signal.ShouldBe(GatewaySignals.CapReached);

        var end = spec.When(new AccountClockTicked(Tenant, At("2026-07-01T00:00:00Z")));

        end.ShouldContain(new SubscriptionEnded(Tenant, "lite", At("2026-07-01T00:00:00Z")));
        end.OfType<GatewaySignalRaised>().Select(s => $"{s.Signal.Subject} {s.Signal.Signal}").ShouldBe(["rolling-5h:requests cap-recovered"]);
        spec.Account.Subscription.ShouldBeNull();
    }
}
