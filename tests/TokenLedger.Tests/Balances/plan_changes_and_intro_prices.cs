using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using static TokenLedger.Tests.Balances.AccountSpec;

namespace TokenLedger.Tests.Balances;

/// <summary>A plan change returns the unused fee to what paid it; an intro price applies once per tenant and plan.</summary>
public sealed class plan_changes_and_intro_prices
{
    private static readonly Instant Start = At("2026-06-01T00:00:00Z");

    [Fact]
    public void cancelling_and_subscribing_again_does_not_restart_the_intro_price()
    {
        var spec = new AccountSpec("UTC").WithPlan(CodingPlan("lite", intro: 9.9m, fee: 40m))
            .Given(new PlanSubscriptionRequested(Tenant, "lite", Start), new PlanCancellationRequested(Tenant, At("2026-06-02T00:00:00Z")),
                new AccountClockTicked(Tenant, At("2026-07-01T00:00:00Z")));
        spec.Account.Subscription.ShouldBeNull();

        var again = spec.When(new PlanSubscriptionRequested(Tenant, "lite", At("2026-07-02T00:00:00Z")));

        // CodingPlan's intro lasts two months; one was used in June, so July is the second and August is full price.
        again.OfType<SubscriptionFeeCharged>().Select(f => (f.Kind, f.Amount)).ShouldBe([("intro", 9.9m)]);
        var renewed = spec.When(new AccountClockTicked(Tenant, At("2026-08-02T00:00:00Z")));
        renewed.OfType<SubscriptionFeeCharged>().Select(f => (f.Kind, f.Amount)).ShouldBe([("monthly", 40m)]);
        spec.Account.IntroPeriodsUsed["lite"].ShouldBe(2);
    }

    [Fact]
    public void a_plan_change_returns_a_postpaid_fee_to_the_postpaid_debt_not_to_the_wallet()
    {
        var spec = new AccountSpec("UTC").WithPlan(CodingPlan("lite", intro: null, fee: 40m)).WithPlan(CodingPlan("mini", intro: null, fee: 10m))
            .Given(new PlanSubscriptionRequested(Tenant, "lite", Start));
        spec.Account.PostpaidUnbilled.ShouldBe(40m);

        // On the 21st, 1/3 of June is left: 13.33 of lite's fee goes back to the debt, 3.33 of mini's is charged.
        var changed = spec.When(new PlanChangeRequested(Tenant, "mini", At("2026-06-21T00:00:00Z")));

        changed.OfType<SubscriptionFeeCharged>().First().Allocations.ShouldBe([new Allocation("postpaid", null, -13.33m)]);
        spec.Account.Wallet.ShouldBe(0m);
        spec.Account.PostpaidUnbilled.ShouldBe(40m - 13.33m + 3.33m);
    }

    [Fact]
    public void switching_between_two_plans_and_back_leaves_wallet_plus_postpaid_unchanged()
    {
        var spec = new AccountSpec("UTC").WithPlan(CodingPlan("lite", intro: null, fee: 40m)).WithPlan(CodingPlan("pro", intro: null, fee: 200m))
            .Given(new FundsToppedUp(Tenant, "t1", 30, "CNY", null, Start, "k"), new PlanSubscriptionRequested(Tenant, "lite", Start));
        var (wallet, postpaid) = (spec.Account.Wallet, spec.Account.PostpaidUnbilled);
        (wallet, postpaid).ShouldBe((0m, 10m));

        var at = At("2026-06-16T00:00:00Z");
        spec.When(new PlanChangeRequested(Tenant, "pro", at));
        spec.When(new PlanChangeRequested(Tenant, "lite", at));

        // Back on lite at the same instant: every part went back to its payer and was charged again from it. (Crediting
        // the wallet instead would leave wallet 80 and postpaid 90: debt turned into spendable money.)
        (spec.Account.Wallet, spec.Account.PostpaidUnbilled).ShouldBe((wallet, postpaid));
    }

    [Fact]
    public void a_fee_paid_from_a_credit_goes_back_to_that_credit()
    {
        var spec = new AccountSpec("UTC").WithPlan(CodingPlan("lite", intro: null, fee: 30m)).WithPlan(CodingPlan("free", intro: null, fee: 0m))
            .Given(new CreditGranted(Tenant, "c1", 30, "CNY", At("2099-01-01T00:00:00Z"), 0, "promo", Start), new PlanSubscriptionRequested(Tenant, "lite", Start));

        var changed = spec.When(new PlanChangeRequested(Tenant, "free", At("2026-06-16T00:00:00Z")));

        changed.OfType<SubscriptionFeeCharged>().First().Allocations.ShouldBe([new Allocation("credit", "c1", -15m)]);
        spec.Account.Credits.Single().Remaining.ShouldBe(15m);
        spec.Account.Wallet.ShouldBe(0m);
    }
}
