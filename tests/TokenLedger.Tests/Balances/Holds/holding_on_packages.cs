using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Balances.Holds;
using static TokenLedger.Tests.Balances.AccountSpec;
using static TokenLedger.Tests.Balances.Holds.HoldSpec;

namespace TokenLedger.Tests.Balances.Holds;

/// <summary>Holds on token packages (<see cref="PackageHolds"/>): the package's tokens are reserved in the usage drawdown's order.</summary>
public sealed class holding_on_packages
{
    private static object Terms(params string[] order) => new CreditTermsSet(Tenant, 0, order.Length == 0 ? [.. FundingSources.Prepaid] : order, T);

    [Fact]
    public void a_package_covering_the_model_holds_the_requests_tokens_and_no_money()
    {
        var spec = new HoldSpec(Package("p1", 1000), Terms());
        var hold = Granted(spec.AskTokens(100, 50));
        (hold.Source, hold.Amount).ShouldBe((FundingSources.Package, 150m));
        hold.Packages!.ShouldBe([new PackageHold("p1", 150, 150)]);
        spec.Position.MoneyHeldAt(T).ShouldBe(0);
    }

    [Fact]
    public void a_package_of_1000_tokens_grants_exactly_100_holds_of_10_tokens_out_of_250()
    {
        var spec = new HoldSpec(Package("p1", 1000), Terms());
        var decisions = Enumerable.Range(0, 250).Select(_ => spec.AskTokens(10, 0)).ToList();
        decisions.OfType<HoldGranted>().Select(g => g.Hold.Source).ShouldBe(Enumerable.Repeat(FundingSources.Package, 100));
        decisions.OfType<HoldRefused>().Select(r => r.Reason).Distinct().ShouldBe([HoldReasons.InsufficientFunds]);
        spec.Position.Counted.Sum(h => h.Packages!.Sum(p => p.Tokens)).ShouldBe(1000);
    }

    [Fact]
    public void what_the_package_cannot_take_is_held_on_money_and_the_hold_is_where_its_last_part_lands()
    {
        var spec = new HoldSpec(Package("p1", 150), Wallet(100), Terms());
        var hold = Granted(spec.AskTokens(200, 0));
        (hold.Source, hold.Amount).ShouldBe((FundingSources.Wallet, 200m));
        hold.Packages!.ShouldBe([new PackageHold("p1", 150, 150)]);
        spec.Position.MoneyHeldAt(T).ShouldBe(50);
        var refused = spec.AskTokens(60, 0).ShouldBeOfType<HoldRefused>();
        refused.Reason.ShouldBe(HoldReasons.InsufficientFunds);
        Granted(spec.AskTokens(50, 0)).Source.ShouldBe(FundingSources.Wallet);
    }

    [Fact]
    public void packages_are_taken_soonest_expiry_first_and_weights_price_each_token_class()
    {
        var spec = new HoldSpec(Package("later", 1000), Package("sooner", 100, new() { ["input"] = 1, ["output"] = 4 }, validTo: Far - Duration.FromDays(1)), Terms());
        // 20 input + 20 output tokens cost 20 + 80 = 100 package tokens of "sooner": all of it.
        Granted(spec.AskTokens(20, 20, inputPrice: 1, outputPrice: 3)).Packages!.ShouldBe([new PackageHold("sooner", 100, 80)]);
        Granted(spec.AskTokens(20, 20)).Packages!.ShouldBe([new PackageHold("later", 40, 40)]);
    }

    [Fact]
    public void a_package_that_does_not_cover_the_model_or_expires_before_the_hold_is_not_held_on()
    {
        var spec = new HoldSpec(Package("glm", 1000, models: ["glm-4.6"]), Package("brief", 1000, validTo: T + Duration.FromMinutes(5)), Wallet(100), Terms());
        var hold = Granted(spec.AskTokens(10, 0, ttlSeconds: 600));
        hold.Source.ShouldBe(FundingSources.Wallet);
        hold.Packages.ShouldBeNull();
        Granted(spec.AskTokens(10, 0, ttlSeconds: 60)).Packages!.ShouldBe([new PackageHold("brief", 10, 10)]);
    }

    [Fact]
    public void packages_after_money_in_the_drawdown_order_or_a_hold_naming_an_amount_hold_money_only()
    {
        var walletFirst = new HoldSpec(Package("p1", 1000), Wallet(100), Terms("wallet", "packages", "credits"));
        (Granted(walletFirst.AskTokens(10, 0)).Source, walletFirst.Position.MoneyHeldAt(T)).ShouldBe((FundingSources.Wallet, 10m));
        var named = new HoldSpec(Package("p1", 1000), Wallet(100), Terms());
        Granted(named.Ask(10)).Packages.ShouldBeNull();
        named.Position.MoneyHeldAt(T).ShouldBe(10);
    }

    [Fact]
    public void holds_read_by_funding_keep_their_package_tokens_reserved()
    {
        var spec = new HoldSpec(Package("p1", 100), Terms());
        Granted(spec.AskTokens(60, 0));
        spec.FundTail();
        spec.Funding.Account.MoneyHeld.ShouldBe(0);
        spec.AskTokens(50, 0).ShouldBeOfType<HoldRefused>();
        Granted(spec.AskTokens(40, 0)).Source.ShouldBe(FundingSources.Package);
    }

    [Fact]
    public void the_holds_usage_settles_it_on_the_package_and_other_usage_cannot_spend_its_tokens()
    {
        var spec = new HoldSpec(Package("p1", 100), Wallet(50), Terms());
        var hold = Granted(spec.AskTokens(100, 0, requestId: "req-1"));
        spec.FundTail();

        // Usage of another request finds the package's tokens reserved: the wallet pays it.
        spec.Funding.When(HeldUsage("req-other", 30, eventId: "e0")).OfType<HoldSettled>().ShouldBeEmpty();
        (spec.Funding.Account.Wallet, spec.Funding.Account.Packages.Single().RemainingTokens).ShouldBe((20m, 100m));

        var decided = spec.Funding.When(HeldUsage("req-1", 70));
        decided.OfType<HoldSettled>().Single().ShouldBe(new HoldSettled(Tenant, hold.HoldId, "req-1", "e1", FundingSources.Package, 100, 70, 30, T, "gw"));
        (spec.Funding.Account.Wallet, spec.Funding.Account.Packages.Single().RemainingTokens).ShouldBe((20m, 30m));
        spec.Funding.Account.Holds.ShouldBeEmpty();
        Granted(spec.AskTokens(30, 0)).Source.ShouldBe(FundingSources.Package);
    }

    [Fact]
    public void a_voided_package_hold_gives_its_tokens_back()
    {
        var spec = new HoldSpec(Package("p1", 100), Terms());
        var hold = Granted(spec.AskTokens(100, 0));
        spec.AskTokens(1, 0).ShouldBeOfType<HoldRefused>();
        spec.Tail(new HoldVoided(Tenant, hold.HoldId, hold.RequestId, T, "gw"));
        spec.FundTail().OfType<HoldReleased>().Single().Source.ShouldBe(FundingSources.Package);
        Granted(spec.AskTokens(100, 0)).Packages!.ShouldBe([new PackageHold("p1", 100, 100)]);
    }
}
