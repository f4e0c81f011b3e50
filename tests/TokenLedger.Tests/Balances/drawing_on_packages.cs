using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Balances.Funding;
using TokenLedger.Balances.Holds;
using static TokenLedger.Tests.Balances.AccountSpec;
using TokenLedger.Tests.Balances.Holds;
using static TokenLedger.Tests.Balances.Holds.HoldSpec;

namespace TokenLedger.Tests.Balances;

/// <summary>
/// The usage drawdown and a hold take package tokens by the same rule: packages usable then that cover the model,
/// soonest expiry first, each taking the package tokens of what is still unpaid of each class it weighs and standing
/// for that share of the money. These pin the figures exactly (unrounded decimals), for usage and for a hold alike.
/// </summary>
public sealed class drawing_on_packages
{
    private static readonly NodaTime.Instant Far = At("2027-01-01T00:00:00Z");
    private static readonly NodaTime.Instant Sooner = At("2026-12-01T00:00:00Z");

    private static TokenPackagePurchased Package(string id, decimal size, Dictionary<string, decimal> weights, NodaTime.Instant validTo) =>
        new(Tenant, id, id, size, [], weights, 5, "CNY", T - NodaTime.Duration.FromDays(1), validTo, T);

    /// <summary>"a" (sooner): 120 tokens, input 1 and output 4 each; "b" (later): 1,000 tokens, input only at 2 each.</summary>
    private static object[] TwoPackages(params object[] more) =>
    [
        Package("b", 1000, new() { ["input"] = 2 }, Far), Package("a", 120, new() { ["input"] = 1, ["output"] = 4 }, Sooner),
        .. more,
    ];

    [Fact]
    public void usage_takes_a_share_of_each_class_from_each_package_in_expiry_order()
    {
        var spec = new AccountSpec().Given(TwoPackages());

        var funded = spec.When(UsageOf(T, 100, 50)).OfType<UsageFunded>().Single().Items.Single();

        // a: 100 × 1 + 50 × 4 = 300 needed, 120 taken (0.4 of each class): 0.4 × 150 = 60.
        // b: the 60 % of input left, 100 × 2 × 0.6 = 120 tokens, standing for 60; output's 30 goes to postpaid.
        funded.Allocations.ShouldBe([
            new Allocation(FundingSources.Package, "a", 60, 120), new Allocation(FundingSources.Package, "b", 60, 120),
            new Allocation(FundingSources.Postpaid, null, 30)]);
        spec.Account.Packages.Select(p => (p.PackageId, p.RemainingTokens)).ShouldBe([("b", 880m), ("a", 0m)]);
    }

    [Fact]
    public void a_hold_of_the_same_tokens_takes_the_same_parts()
    {
        var spec = new HoldSpec(TwoPackages(new FundsToppedUp(Tenant, "t1", 30, "CNY", null, T, "k"), new CreditTermsSet(Tenant, 0, [.. FundingSources.Prepaid], T)));

        var hold = Granted(spec.AskTokens(100, 50));

        hold.Packages!.ShouldBe([new PackageHold("a", 120, 60), new PackageHold("b", 120, 60)]);
        (hold.Source, hold.Amount, spec.Position.MoneyHeldAt(T)).ShouldBe((FundingSources.Wallet, 150m, 30m));
    }

    [Fact]
    public void a_package_whose_tokens_other_holds_reserve_gives_usage_only_the_rest()
    {
        var spec = new HoldSpec(Package("p", 100, new() { ["input"] = 1, ["output"] = 1 }, Far), new FundsToppedUp(Tenant, "t1", 100, "CNY", null, T, "k"));
        Granted(spec.AskTokens(70, 0, requestId: "other"));
        spec.FundTail();

        var funded = spec.Funding.When(HeldUsage("mine", 50)).OfType<UsageFunded>().Single().Items.Single();

        funded.Allocations.ShouldBe([new Allocation(FundingSources.Package, "p", 30, 30), new Allocation(FundingSources.Wallet, null, 20)]);
    }

    [Fact]
    public void a_second_hold_takes_only_the_free_tokens_and_a_third_none()
    {
        var spec = new HoldSpec(Package("p", 100, new() { ["input"] = 1, ["output"] = 3 }, Far), new FundsToppedUp(Tenant, "t1", 100, "CNY", null, T, "k"));
        Granted(spec.AskTokens(10, 10, inputPrice: 2, outputPrice: 5)).Packages!.ShouldBe([new PackageHold("p", 40, 70)]);

        // 60 free of 10 + 30 × 3 = 100 needed: 0.6 of 10 × 2 + 30 × 5 = 170 is 102; the other 68 on the wallet.
        var second = Granted(spec.AskTokens(10, 30, inputPrice: 2, outputPrice: 5));
        second.Packages!.ShouldBe([new PackageHold("p", 60, 102)]);
        spec.Position.MoneyHeldAt(T).ShouldBe(68);
        Granted(spec.AskTokens(1, 0)).Packages.ShouldBeNull();
    }
}
