using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Balances.Funding;
using static TokenLedger.Tests.Balances.AccountSpec;

namespace TokenLedger.Tests.Balances;

public sealed class drawing_down
{
    private static readonly NodaTime.Instant T = At("2026-06-10T04:00:00Z");
    private static readonly NodaTime.Instant Far = At("2027-01-01T00:00:00Z");

    private static FundedUsage Funded(IReadOnlyList<object> events) => events.OfType<UsageFunded>().Single().Items.Single();

    [Fact]
    public void packages_then_credits_then_wallet_then_postpaid()
    {
        var spec = new AccountSpec().Given(
            new TokenPackagePurchased(Tenant, "p1", "pack", 10, [], new Dictionary<string, decimal> { ["input"] = 1, ["output"] = 1 }, 5, "CNY", T.Minus(NodaTime.Duration.FromDays(1)), Far, T),
            new CreditGranted(Tenant, "c1", 20, "CNY", Far, 0, "promo", T),
            new FundsToppedUp(Tenant, "t1", 30, "CNY", null, T, "k"));

        var funded = Funded(spec.When(UsageOf(T, 100)));

        funded.Allocations.ShouldBe([
            new Allocation("package", "p1", 10, 10), new Allocation("credit", "c1", 20), new Allocation("wallet", null, 30), new Allocation("postpaid", null, 40)]);
        funded.Allocations.Sum(a => a.Amount).ShouldBe(funded.Amount);
        spec.Account.PostpaidUnbilled.ShouldBe(40);
        spec.Account.Wallet.ShouldBe(0);
    }

    [Fact]
    public void the_order_is_configurable_per_tenant()
    {
        var spec = new AccountSpec().Given(
            new CreditGranted(Tenant, "c1", 20, "CNY", Far, 0, "promo", T),
            new FundsToppedUp(Tenant, "t1", 30, "CNY", null, T, "k"),
            new CreditTermsSet(Tenant, null, ["wallet", "credits", "packages"], T));

        Funded(spec.When(UsageOf(T, 40))).Allocations.ShouldBe([new Allocation("wallet", null, 30), new Allocation("credit", "c1", 10)]);
    }

    [Fact]
    public void credits_go_soonest_expiry_first_and_priority_breaks_ties()
    {
        var spec = new AccountSpec().Given(
            new CreditGranted(Tenant, "late", 10, "CNY", Far, 9, "a", T),
            new CreditGranted(Tenant, "low", 10, "CNY", At("2026-07-01T00:00:00Z"), 1, "b", T),
            new CreditGranted(Tenant, "high", 10, "CNY", At("2026-07-01T00:00:00Z"), 5, "c", T));

        Funded(spec.When(UsageOf(T, 25))).Allocations.Select(a => a.SourceId).ShouldBe(["high", "low", "late"]);
    }

    [Fact]
    public void a_package_covering_only_output_at_4_tokens_each_splits_the_event()
    {
        var spec = new AccountSpec().Given(
            new TokenPackagePurchased(Tenant, "p1", "out", 100, [], new Dictionary<string, decimal> { ["output"] = 4 }, 5, "CNY", T.Minus(NodaTime.Duration.FromDays(1)), Far, T));

        var funded = Funded(spec.When(UsageOf(T, input: 10, output: 40)));

        // 40 output tokens need 160 package tokens; 100 pay 100/160 of the output's 40 = 25; input 10 + output 15 fall through.
        funded.Allocations.ShouldBe([new Allocation("package", "p1", 25, 100), new Allocation("postpaid", null, 25)]);
        spec.Account.Packages.Single().RemainingTokens.ShouldBe(0);
    }

    [Fact]
    public void a_package_for_other_models_pays_nothing()
    {
        var spec = new AccountSpec().Given(
            new TokenPackagePurchased(Tenant, "p1", "glm", 100, ["glm-4.6"], new Dictionary<string, decimal> { ["input"] = 1 }, 5, "CNY", T.Minus(NodaTime.Duration.FromDays(1)), Far, T));

        Funded(spec.When(UsageOf(T, 10))).Allocations.ShouldBe([new Allocation("postpaid", null, 10)]);
    }

    [Fact]
    public void usage_over_the_credit_limit_is_still_recorded_and_flagged()
    {
        var spec = new AccountSpec().Given(new CreditTermsSet(Tenant, 50, ["packages", "credits", "wallet"], T));
        Funded(spec.When(UsageOf(T, 40))).Flags.ShouldBeEmpty();
        Funded(spec.When(UsageOf(T, 20, id: "e2"))).Flags.ShouldBe([FundingFlags.OverCreditLimit]);
        spec.Account.PostpaidUnbilled.ShouldBe(60);
    }

    [Fact]
    public void a_top_up_pays_off_postpaid_first_and_a_refund_beyond_the_wallet_is_refused()
    {
        var spec = new AccountSpec().Given(UsageOf(T, 30));
        spec.When(new FundsToppedUp(Tenant, "t1", 50, "CNY", null, T, "k")).ShouldContain(new ArrearsSettled(Tenant, "t1", 30));
        spec.Account.Wallet.ShouldBe(20);
        spec.When(new RefundRequested(Tenant, "r1", 25, "CNY", "asked", T, "k")).OfType<RefundRefused>().ShouldHaveSingleItem();
        spec.When(new RefundRequested(Tenant, "r2", 20, "CNY", "asked", T, "k")).ShouldContain(new RefundPaid(Tenant, "r2", 20));
        spec.Account.Wallet.ShouldBe(0);
    }

    [Fact]
    public void folding_the_decided_events_again_gives_the_same_balance()
    {
        var spec = new AccountSpec();
        var recorded = new List<object> { new AccountOpened(Tenant, "CNY", "Asia/Shanghai") };
        object[] inputs =
        [
            new FundsToppedUp(Tenant, "t1", 30, "CNY", null, T, "k"),
            new CreditGranted(Tenant, "c1", 20, "CNY", T.Plus(NodaTime.Duration.FromHours(1)), 0, "promo", T),
            UsageOf(T, 25), UsageOf(T.Plus(NodaTime.Duration.FromHours(2)), 40, id: "e2"),
        ];
        foreach (var input in inputs)
        {
            var decided = spec.When(input);
            if (input is not RatedUsageBatch) recorded.Add(input);
            recorded.AddRange(decided);
        }

        var replayed = new TenantAccount();
        replayed.When(recorded);
        replayed.Wallet.ShouldBe(spec.Account.Wallet);
        replayed.PostpaidUnbilled.ShouldBe(spec.Account.PostpaidUnbilled);
        replayed.Credits.Single().Remaining.ShouldBe(spec.Account.Credits.Single().Remaining);
        replayed.Totals.CreditsExpired.ShouldBe(spec.Account.Totals.CreditsExpired);
    }
}
