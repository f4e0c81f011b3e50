using System.Text.Json;
using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Balances.GettingBalance;
using TokenLedger.Infrastructure;
using TokenLedger.Tests.Contracts;
using static TokenLedger.Tests.Balances.AccountSpec;
using static TokenLedger.Tests.Balances.Holds.HoldSpec;
using TenantStreams = TokenLedger.Tenants.TenantStreams;

namespace TokenLedger.Tests.Balances.Holds;

/// <summary>
/// The balance shows where open holds sit: reserved tokens per package, reserved money per credit grant, on the wallet,
/// on postpaid, and what no source covers; the body validates against contracts/schemas/balance-response.v1.schema.json.
/// </summary>
public sealed class showing_what_holds_reserve
{
    private static readonly Instant Far = At("2027-01-01T00:00:00Z");
    private static readonly JsonSerializerOptions Http = new JsonSerializerOptions(JsonSerializerDefaults.Web).ConfigureForLedger();
    private static readonly TokenLedger.Tenants.Tenant Acme = new(TenantStreams.For(Tenant), Tenant, "Acme", "Asia/Shanghai", "CNY", T);

    private static HoldSpec Spec(Instant creditExpiresAt) => new(
        new TokenPackagePurchased(Tenant, "p1", "Pack", 200, [], new Dictionary<string, decimal> { ["input"] = 1, ["output"] = 1 }, 5, "CNY", T - Duration.FromDays(1), Far, T),
        new CreditGranted(Tenant, "c1", 10, "CNY", creditExpiresAt, 0, "promo", T),
        new FundsToppedUp(Tenant, "t1", 5, "CNY", null, T, "k"),
        new CreditTermsSet(Tenant, 0, [.. FundingSources.Prepaid], T));

    [Fact]
    public void reserved_tokens_per_package_and_reserved_money_per_credit_and_on_the_wallet()
    {
        var spec = Spec(Far);
        Granted(spec.AskTokens(50, 0)).Source.ShouldBe(FundingSources.Package);
        Granted(spec.Ask(12)).Source.ShouldBe(FundingSources.Wallet);
        spec.FundTail();

        var balance = BalanceResponse.From(spec.Funding.Account, Acme, T);

        balance.Packages.Single().ReservedTokens.ShouldBe(50);
        balance.Credits.Single().Reserved.ShouldBe(10);
        (balance.Holds.Held, balance.Holds.Available, balance.Holds.ReservedOnWallet, balance.Holds.ReservedOnPostpaid, balance.Holds.Unfunded)
            .ShouldBe((12m, 3m, 2m, 0m, 0m));
        ContractSchemas.Errors("balance-response.v1.schema.json", JsonSerializer.SerializeToElement(balance, Http)).ShouldBeEmpty();
    }

    [Fact]
    public void after_the_credit_expires_the_wallet_holds_what_it_can_and_the_rest_is_unfunded()
    {
        var expiresAt = T + Duration.FromMinutes(1);
        var spec = Spec(expiresAt);
        Granted(spec.Ask(12));
        spec.FundTail();
        var after = expiresAt + Duration.FromSeconds(1);
        spec.Funding.When(new AccountClockTicked(Tenant, after));

        var balance = BalanceResponse.From(spec.Funding.Account, Acme, after);

        balance.Credits.ShouldBeEmpty();
        (balance.Holds.Held, balance.Holds.Available, balance.Holds.ReservedOnWallet, balance.Holds.Unfunded).ShouldBe((12m, -7m, 5m, 7m));
        ContractSchemas.Errors("balance-response.v1.schema.json", JsonSerializer.SerializeToElement(balance, Http)).ShouldBeEmpty();
    }
}
