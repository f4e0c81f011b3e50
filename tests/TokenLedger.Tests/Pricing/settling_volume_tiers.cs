using NodaTime;
using Shouldly;
using TokenLedger.Pricing;
using static TokenLedger.Tests.Pricing.PriceBooks;

namespace TokenLedger.Tests.Pricing;

/// <summary><see cref="VolumeSettlement.Settle"/>: graduated volume tiers settled at period close.</summary>
public class settling_volume_tiers
{
    private static readonly VolumeSchedule OutputAboveOneBillion = new([new VolumeTier(1_000_000_000, [TokenClass.Output], 20m)]);
    private static readonly PriceBookVersion Book = Version(Model("deepseek-v4-pro", Prices(2m, 0.2m, 0m, 8m)));

    private static RatedUsage Usage(string eventId, int day, TokenCounts tokens) =>
        new(eventId, Shanghai(2026, 6, day, 12, 0), tokens, Rating.Rate(Book, "deepseek-v4-pro", tokens, Shanghai(2026, 6, day, 12, 0)).ShouldBeRated());

    private static readonly RatedUsage[] June =
    [
        Usage("e1", 3, Tokens(output: 600_000_000)),   // 4,800 CNY; 600,000,000 so far
        Usage("e2", 5, Tokens(output: 399_990_000)),   // 3,199.92 CNY; 999,990,000 so far
        Usage("e3", 7, Tokens(output: 30_000)),        // 0.24 CNY; straddles: 10,000 below, 20,000 above
        Usage("e4", 9, Tokens(input: 5000, output: 50_000)), // 0.4 CNY output, all above
    ];

    [Fact]
    public void the_event_crossing_the_threshold_is_discounted_only_for_its_tokens_above_it()
    {
        var result = VolumeSettlement.Settle(OutputAboveOneBillion, June);

        var line = result.Lines.ShouldHaveSingleItem();
        (line.Class, line.UpToTokens, line.TokensInBand).ShouldBe((TokenClass.Output, (long?)null, 70_000L));
        line.Contributions.ShouldBe(
        [
            new VolumeDiscountContribution("e3", Shanghai(2026, 6, 7, 12, 0), 20_000, 30_000, 0.24m, 0.032m), // 0.24 × 20,000/30,000 × 20 %
            new VolumeDiscountContribution("e4", Shanghai(2026, 6, 9, 12, 0), 50_000, 50_000, 0.4m, 0.08m),
        ]);
        line.Discount.ShouldBe(0.112m);
        result.TotalDiscount.ShouldBe(0.112m);
        result.Currency.ShouldBe("CNY");
        result.Counts.ShouldHaveSingleItem().Tokens.ShouldBe(1_000_070_000);
    }

    [Fact]
    public void the_result_does_not_depend_on_the_order_events_arrived_in()
    {
        var expected = VolumeSettlement.Settle(OutputAboveOneBillion, June);
        var shuffled = VolumeSettlement.Settle(OutputAboveOneBillion, [June[3], June[1], June[2], June[0]]);

        shuffled.Lines.Single().Contributions.ShouldBe(expected.Lines.Single().Contributions);
        shuffled.TotalDiscount.ShouldBe(expected.TotalDiscount);
    }

    [Fact]
    public void events_at_the_same_instant_are_ordered_by_event_id()
    {
        var at = Shanghai(2026, 6, 30, 23, 0);
        var schedule = new VolumeSchedule([new VolumeTier(100, [TokenClass.Output], 50m)]);
        RatedUsage E(string id) => new(id, at, Tokens(output: 100), new Charge("r", 1, "CNY", "m", 0, 0m, 0m, 0m, 0m, 1m));

        var result = VolumeSettlement.Settle(schedule, [E("b"), E("a")]);

        // "a" fills the first 100 tokens, so all of "b" is above the threshold.
        result.Lines.Single().Contributions.ShouldHaveSingleItem().ShouldBe(new VolumeDiscountContribution("b", at, 100, 100, 1m, 0.5m));
    }

    [Fact]
    public void graduated_tiers_discount_each_band_at_its_own_rate_shared_across_the_counted_classes()
    {
        var schedule = new VolumeSchedule(
        [
            new VolumeTier(2000, [TokenClass.Input, TokenClass.Output], 20m),
            new VolumeTier(1000, [TokenClass.Output, TokenClass.Input], 10m),
        ]);
        var a = new RatedUsage("a", Shanghai(2026, 6, 1, 9, 0), Tokens(input: 1500),
            new Charge("r", 1, "CNY", "m", 0, 0m, 15m, 0m, 0m, 0m));
        var b = new RatedUsage("b", Shanghai(2026, 6, 2, 9, 0), Tokens(input: 300, output: 900),
            new Charge("r", 1, "CNY", "m", 0, 0m, 3m, 0m, 0m, 18m));

        var result = VolumeSettlement.Settle(schedule, [b, a]);

        // a: 0 → 1,500, so 500 of its 1,500 tokens are in (1,000, 2,000].
        // b: 1,500 → 2,700, so 500 of its 1,200 tokens are in (1,000, 2,000] and 700 in (2,000, ∞).
        result.Lines.Select(l => (l.Tier.AboveTokens, l.UpToTokens, l.Class, l.TokensInBand, l.Discount)).ShouldBe(
        [
            (1000L, (long?)2000L, TokenClass.Output, 1000L, 0.75m),  // b: 18 × 500/1200 × 10 %
            (1000L, (long?)2000L, TokenClass.Input, 1000L, 0.625m),  // a: 15 × 500/1500 × 10 % + b: 3 × 500/1200 × 10 %
            (2000L, (long?)null, TokenClass.Input, 700L, 0.35m),     // b: 3 × 700/1200 × 20 %
            (2000L, (long?)null, TokenClass.Output, 700L, 2.1m),     // b: 18 × 700/1200 × 20 %
        ]);
        result.TotalDiscount.ShouldBe(3.825m);
    }

    [Fact]
    public void below_every_threshold_there_is_no_discount_line()
    {
        var result = VolumeSettlement.Settle(OutputAboveOneBillion, June[..2]);

        result.Lines.ShouldBeEmpty();
        result.TotalDiscount.ShouldBe(0m);
        VolumeSettlement.Settle(OutputAboveOneBillion, []).Currency.ShouldBeNull();
    }

    [Fact]
    public void a_split_that_does_not_divide_evenly_keeps_28_significant_digits()
    {
        var schedule = new VolumeSchedule([new VolumeTier(1, [TokenClass.Input], 10m)]);
        var e = new RatedUsage("e", Shanghai(2026, 6, 1, 0, 0), Tokens(input: 3), new Charge("r", 1, "CNY", "m", 0, 0m, 1m, 0m, 0m, 0m));

        // 2 of 3 tokens above 1: 1 × 2/3 × 10 %.
        VolumeSettlement.Settle(schedule, [e]).TotalDiscount.ShouldBe(0.0666666666666666666666666667m);
    }

    [Fact]
    public void a_schedule_whose_tiers_could_discount_a_class_twice_is_refused()
    {
        var schedule = new VolumeSchedule(
        [
            new VolumeTier(1000, [TokenClass.Output], 10m),
            new VolumeTier(5000, [TokenClass.Input, TokenClass.Output], 20m),
            new VolumeTier(2000, [TokenClass.Input], 120m),
        ]);

        schedule.Problems().ShouldBe(["tiers[2].discountPercent must be between 0 and 100, not 120"]);
        (schedule with { Tiers = schedule.Tiers.Take(2).ToArray() }).Problems().ShouldBe(
            ["tiers[0] (Output) and tiers[1] (Input, Output) count overlapping but different classes, so a class could be discounted twice"]);
        Should.Throw<ArgumentException>(() => VolumeSettlement.Settle(schedule, June)).Message.ShouldContain("not 120");
    }

    [Fact]
    public void events_must_be_unique_and_in_one_currency()
    {
        Should.Throw<ArgumentException>(() => VolumeSettlement.Settle(OutputAboveOneBillion, [June[0], June[0]]))
            .Message.ShouldStartWith("event 'e1' is listed more than once");
        var usd = June[1] with { Charge = June[1].Charge with { Currency = "USD" } };
        Should.Throw<ArgumentException>(() => VolumeSettlement.Settle(OutputAboveOneBillion, [June[0], usd]))
            .Message.ShouldStartWith("event 'e2' is charged in USD, others in CNY");
    }

    [Fact]
    public void discount_lines_are_rounded_like_any_invoice_line()
    {
        var line = VolumeSettlement.Settle(OutputAboveOneBillion, June).Lines.Single();

        InvoiceRounding.Line("CNY", line.Contributions.Select(c => c.Discount)).ShouldBe(new InvoiceAmount("CNY", 0.112m, 0.11m));
    }
}
