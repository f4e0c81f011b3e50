using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Balances.Holds;
using static TokenLedger.Tests.Balances.AccountSpec;
using static TokenLedger.Tests.Balances.Holds.HoldSpec;

namespace TokenLedger.Tests.Balances.Holds;

/// <summary>
/// A hold never claims what no longer exists (<see cref="HoldClaims"/>): a package part whose tokens are gone falls
/// back to money, money held moves on to the next source when a credit expires or is spent, and what no source covers
/// stays held as unfunded: available goes below zero and new holds are refused.
/// </summary>
public sealed class holds_on_what_no_longer_exists
{
    private static object Credit(decimal amount, Instant expiresAt) => new CreditGranted(Tenant, "c1", amount, "CNY", expiresAt, 0, "promo", T);
    private static Dictionary<string, string> SourcesAt(TenantAccount account, Instant at) =>
        HoldClaims.Sources(account, HoldClaims.Back(account.Holds, account.Packages, at), at);

    private static readonly object PrepaidOnly = new CreditTermsSet(Tenant, 0, [.. FundingSources.Prepaid], T);

    [Fact]
    public void a_package_that_expires_under_an_open_hold_moves_the_holds_part_to_the_wallet()
    {
        var validTo = T + Duration.FromMinutes(10);
        var spec = new HoldSpec(Package("p1", 100, validTo: validTo), Wallet(200), PrepaidOnly);
        var hold = Granted(spec.AskTokens(100, 0, requestId: "req-1", ttlSeconds: 600));
        hold.Packages!.ShouldBe([new PackageHold("p1", 100, 100)]);
        spec.FundTail();
        spec.Position.MoneyHeldAt(T).ShouldBe(0);
        SourcesAt(spec.Funding.Account, T)[hold.HoldId].ShouldBe(FundingSources.Package);

        // The hold expired with the package, and is not released yet: its 100 are now claimed on the wallet.
        var after = validTo + Duration.FromSeconds(1);
        spec.Funding.When(new AccountClockTicked(Tenant, after)).ShouldContain(new TokenPackageExpired(Tenant, "p1", 100, validTo));
        spec.Position.MoneyHeldAt(after).ShouldBe(100);
        spec.Funding.Account.MoneyHeldAt(after).ShouldBe(100);
        SourcesAt(spec.Funding.Account, after)[hold.HoldId].ShouldBe(FundingSources.Wallet);
        hold.Source.ShouldBe(FundingSources.Package);
        HoldClaims.Lay(spec.Funding.Account, 100, after).ShouldBe(new MoneyClaims(new Dictionary<string, decimal>(), 100, 0, 0), new MoneyClaimsComparer());
        spec.Ask(101, at: after).ShouldBeOfType<HoldRefused>().Reason.ShouldBe(HoldReasons.InsufficientFunds);
        Granted(spec.Ask(100, at: after)).Source.ShouldBe(FundingSources.Wallet);
    }

    [Fact]
    public void a_package_part_no_source_can_cover_stays_held_available_goes_negative_and_new_holds_are_refused()
    {
        var validTo = T + Duration.FromMinutes(10);
        var spec = new HoldSpec(Package("p1", 100, validTo: validTo), Wallet(30), PrepaidOnly);
        var hold = Granted(spec.AskTokens(100, 0, requestId: "req-1"));
        spec.FundTail();
        var after = validTo + Duration.FromSeconds(1);
        spec.Funding.When(new AccountClockTicked(Tenant, after));
        SourcesAt(spec.Funding.Account, after)[hold.HoldId].ShouldBe(HoldClaims.Unfunded);

        var position = spec.Position;
        (position.Funds(after), position.MoneyHeldAt(after)).ShouldBe((30m, 100m));
        position.Counted.ShouldHaveSingleItem().RequestId.ShouldBe("req-1");
        HoldClaims.Lay(spec.Funding.Account, 100, after).Unfunded.ShouldBe(70);
        spec.Ask(1, at: after).ShouldBeOfType<HoldRefused>().Reason.ShouldBe(HoldReasons.InsufficientFunds);

        // Its usage is charged as the balance said: the wallet, then postpaid (over the credit limit of 0).
        var decided = spec.Funding.When(HeldUsage("req-1", 100, at: after));
        var funded = decided.OfType<UsageFunded>().Single().Items.Single();
        funded.Allocations.ShouldBe([new Allocation(FundingSources.Wallet, null, 30), new Allocation(FundingSources.Postpaid, null, 70)]);
        funded.Flags.ShouldContain(FundingFlags.OverCreditLimit);
        decided.OfType<HoldSettled>().Single().Charged.ShouldBe(100);
    }

    [Fact]
    public void each_holds_current_source_is_where_its_money_lands_in_ledger_order_and_moves_when_a_credit_expires()
    {
        var expires = T + Duration.FromMinutes(5);
        var spec = new HoldSpec(Credit(10, expires), Wallet(9), PrepaidOnly);
        var first = Granted(spec.Ask(8, requestId: "req-a"));
        var second = Granted(spec.Ask(5, requestId: "req-b"));
        (first.Source, second.Source).ShouldBe((FundingSources.Credit, FundingSources.Wallet));
        spec.FundTail();
        var now = SourcesAt(spec.Funding.Account, T);
        (now[first.HoldId], now[second.HoldId]).ShouldBe((FundingSources.Credit, FundingSources.Wallet));

        // The credit expires under both: the first hold's 8 now land on the wallet of 9, the second's 5 only 1 of them.
        var after = expires + Duration.FromSeconds(1);
        spec.Funding.When(new AccountClockTicked(Tenant, after));
        var moved = SourcesAt(spec.Funding.Account, after);
        (moved[first.HoldId], moved[second.HoldId]).ShouldBe((FundingSources.Wallet, HoldClaims.Unfunded));
        (first.Source, second.Source).ShouldBe((FundingSources.Credit, FundingSources.Wallet));
    }

    [Fact]
    public void usage_funded_before_the_hold_was_read_leaves_the_earliest_holds_their_tokens_and_the_rest_on_money()
    {
        var spec = new HoldSpec(Package("p1", 100), Wallet(200));
        // Both holds are decided on 100 free tokens; funding then funds usage without a hold before it reads them.
        Granted(spec.AskTokens(50, 0, requestId: "req-a")).Packages!.ShouldBe([new PackageHold("p1", 50, 50)]);
        Granted(spec.AskTokens(50, 0, requestId: "req-b")).Packages!.ShouldBe([new PackageHold("p1", 50, 50)]);
        spec.Funding.When(HeldUsage("not-held", 60, eventId: "e0"));
        spec.FundTail();

        var backing = HoldClaims.Back(spec.Funding.Account.Holds, spec.Funding.Account.Packages, T);
        backing.Select(b => (b.Hold.RequestId, b.Backed.Sum(p => p.Tokens), b.Money)).ShouldBe([("req-a", 40m, 10m), ("req-b", 0m, 50m)]);
        spec.Position.MoneyHeldAt(T).ShouldBe(60);
        Granted(spec.AskTokens(1, 0)).Packages.ShouldBeNull();

        // Each hold's usage finds the package tokens the balance showed it: none for req-b, 40 for req-a.
        spec.Funding.When(HeldUsage("req-b", 50, eventId: "e1")).OfType<UsageFunded>().Single().Items.Single().Allocations
            .ShouldBe([new Allocation(FundingSources.Wallet, null, 50)]);
        spec.Funding.When(HeldUsage("req-a", 50, eventId: "e2")).OfType<UsageFunded>().Single().Items.Single().Allocations
            .ShouldBe([new Allocation(FundingSources.Package, "p1", 40, 40), new Allocation(FundingSources.Wallet, null, 10)]);
    }

    [Fact]
    public void a_credit_that_expires_under_a_hold_moves_the_claim_to_the_wallet_and_what_is_left_is_unfunded()
    {
        var expiresAt = T + Duration.FromMinutes(1);
        var spec = new HoldSpec(Credit(10, expiresAt), Wallet(4), PrepaidOnly);
        Granted(spec.Ask(10, ttlSeconds: 600)).Source.ShouldBe(FundingSources.Credit);
        spec.FundTail();
        HoldClaims.Lay(spec.Funding.Account, 10, T).ShouldBe(new MoneyClaims(new Dictionary<string, decimal> { ["c1"] = 10 }, 0, 0, 0), new MoneyClaimsComparer());

        var after = expiresAt + Duration.FromSeconds(1);
        spec.Funding.When(new AccountClockTicked(Tenant, after)).ShouldContain(new CreditExpired(Tenant, "c1", 10, expiresAt));

        HoldClaims.Lay(spec.Funding.Account, spec.Funding.Account.MoneyHeldAt(after), after)
            .ShouldBe(new MoneyClaims(new Dictionary<string, decimal>(), 4, 0, 6), new MoneyClaimsComparer());
        (spec.Position.Funds(after) - spec.Position.MoneyHeldAt(after)).ShouldBe(-6);
        spec.Ask(1, at: after).ShouldBeOfType<HoldRefused>().Reason.ShouldBe(HoldReasons.InsufficientFunds);
    }

    [Fact]
    public void usage_without_a_hold_that_spends_the_credit_a_hold_sits_on_moves_the_claim_on()
    {
        var spec = new HoldSpec(Credit(10, Far), Wallet(5), new CreditTermsSet(Tenant, 20, [.. FundingSources.Prepaid], T));
        Granted(spec.Ask(10)).Source.ShouldBe(FundingSources.Credit);
        spec.FundTail();
        spec.Funding.When(HeldUsage("not-held", 8, eventId: "e0"));

        var claims = HoldClaims.Lay(spec.Funding.Account, spec.Funding.Account.MoneyHeldAt(T), T);
        claims.ShouldBe(new MoneyClaims(new Dictionary<string, decimal> { ["c1"] = 2 }, 5, 3, 0), new MoneyClaimsComparer());
        spec.Funding.Account.CreditUse()!.Used.ShouldBe(3);
    }

    /// <summary>Compares the credit claims by content (records compare dictionaries by reference).</summary>
    private sealed class MoneyClaimsComparer : IEqualityComparer<MoneyClaims>
    {
        public bool Equals(MoneyClaims? x, MoneyClaims? y) =>
            x is not null && y is not null && x.Credits.OrderBy(c => c.Key).SequenceEqual(y.Credits.OrderBy(c => c.Key))
            && (x.Wallet, x.Postpaid, x.Unfunded) == (y.Wallet, y.Postpaid, y.Unfunded);

        public int GetHashCode(MoneyClaims obj) => 0;
    }
}
