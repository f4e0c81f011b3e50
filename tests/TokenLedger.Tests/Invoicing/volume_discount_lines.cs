using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Invoicing;
using TokenLedger.Pricing;

namespace TokenLedger.Tests.Invoicing;

/// <summary><see cref="VolumeDiscountLines.Lines"/>: one negative line per tier reached, and no discount on what a plan or package prepaid.</summary>
public class volume_discount_lines
{
    private static readonly Instant June10 = Instant.FromUtc(2026, 6, 10, 4, 0);

    private static readonly VolumeTierDiscount Tier2 = new("retail-cn",
        new ModelVolumeSchedule("deepseek-v4-pro", ["deepseek-v4-pro"], VolumeModes.Graduated, [TokenClass.Output], [new(0, 0m), new(100_000_000, 4.5m)]),
        2, new VolumeScheduleTier(100_000_000, 4.5m), 210_000_000, 110_000_000, 31.5m,
        [new EventVolumeDiscount("e2", June10, "deepseek-v4-pro", 13.5m), new EventVolumeDiscount("e3", June10, "deepseek-v4-pro", 18m)]);

    [Fact]
    public void a_tier_reached_is_one_negative_line_that_names_the_tier_and_its_tokens()
    {
        var line = VolumeDiscountLines.Lines([Tier2], []).ShouldHaveSingleItem();

        line.ShouldBe(new AccountCharge(InvoiceLineKinds.VolumeDiscount,
            "Volume discount, deepseek-v4-pro, tier 2 (> 100,000,000 tokens): 4.5% off 110,000,000 of 210,000,000 tokens", -31.5m));
    }

    [Fact]
    public void the_share_of_an_event_a_plan_or_package_paid_is_not_discounted()
    {
        // e3 (400 CNY) was paid 100 by a plan and 100 by a package, 200 from the wallet: half of its 18 discount remains.
        object[] account =
        [
            new UsageFunded("t", "b1", [new FundedUsage("e3", June10, "deepseek-v4-pro", 400m, 50_000_000, "plan-1",
                [new Allocation(FundingSources.Plan, "plan-1", 100m), new Allocation(FundingSources.Package, "pk-1", 100m), new Allocation(FundingSources.Wallet, null, 200m)], [])]),
        ];

        VolumeDiscountLines.Lines([Tier2], account).ShouldHaveSingleItem().Unrounded.ShouldBe(-(13.5m + 18m * (400m - 200m) / 400m));
    }
}
