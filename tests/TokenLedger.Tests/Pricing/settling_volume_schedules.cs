using System.Text.Json;
using Shouldly;
using TokenLedger.Pricing;
using TokenLedger.Pricing.PuttingPriceBook;
using static TokenLedger.Tests.Pricing.PriceBooks;

namespace TokenLedger.Tests.Pricing;

/// <summary><see cref="ScheduleSettlement"/>: graduated and volume (all-units) schedules per model and per model group, and their wire form.</summary>
public class settling_volume_schedules
{
    // One output token costs 1 CNY, one input token 0.5 CNY: amounts can be checked by eye.
    private static readonly PriceBookVersion Book = Version(
        Model("a", Prices(500_000m, 0m, 0m, 1_000_000m)), Model("b", Prices(500_000m, 0m, 0m, 1_000_000m)), Model("c", Prices(500_000m, 0m, 0m, 1_000_000m)));

    private static RatedUsage U(string id, string model, int day, long output, long input = 0) =>
        new(id, Shanghai(2026, 6, day, 12, 0), Tokens(input: input, output: output), Rating.Rate(Book, model, Tokens(input: input, output: output), Shanghai(2026, 6, day, 12, 0)).ShouldBeRated());

    private static ModelVolumeSchedule Schedule(string mode, string[] models, params (long Above, decimal Percent)[] tiers) =>
        new(string.Join(" + ", models), models, mode, [TokenClass.Output], [.. tiers.Select(t => new VolumeScheduleTier(t.Above, t.Percent))]);

    private static readonly RatedUsage[] Month = [U("e1", "a", 3, 150), U("e2", "a", 5, 100), U("e3", "a", 9, 200)]; // 150 + 100 + 200 = 450 output tokens

    [Fact]
    public void graduated_discounts_each_band_at_its_tier_and_splits_the_events_that_straddle_a_threshold()
    {
        var settled = ScheduleSettlement.Settle("retail-cn", [Schedule(VolumeModes.Graduated, ["a"], (100, 10m), (300, 20m))], Month);

        settled.Count.ShouldBe(2);
        // (100, 300]: e1's last 50, all 100 of e2, e3's first 50 = 200 tokens × 1 CNY × 10 % = 20
        (settled[0].Tier, settled[0].TokensDiscounted, settled[0].PeriodTokens, settled[0].Discount).ShouldBe((1, 200L, 450L, 20m));
        settled[0].Events.Select(e => (e.EventId, e.Discount)).ShouldBe([("e1", 50 * 0.1m), ("e2", 100 * 0.1m), ("e3", 50 * 0.1m)]);
        // (300, ∞): e3's last 150 tokens × 20 % = 30
        (settled[1].Tier, settled[1].TokensDiscounted, settled[1].Discount).ShouldBe((2, 150L, 30m));
        settled[1].Events.ShouldHaveSingleItem().EventId.ShouldBe("e3");
    }

    [Fact]
    public void volume_mode_takes_the_tier_the_total_reached_off_every_token_of_the_period()
    {
        var settled = ScheduleSettlement.Settle("retail-cn", [Schedule(VolumeModes.Volume, ["a"], (100, 10m), (300, 20m))], Month).ShouldHaveSingleItem();

        // 450 > 300: tier 2, 20 % of all 450 CNY
        (settled.Tier, settled.TokensDiscounted, settled.Discount).ShouldBe((2, 450L, 450 * 0.2m));
        settled.Events.Select(e => e.Discount).ShouldBe([150 * 0.2m, 100 * 0.2m, 200 * 0.2m]);
    }

    [Theory]
    [InlineData(100, "0", "0")]          // exactly at the edge: not above it, nothing is discounted in either mode
    [InlineData(101, "0.1", "10.1")]     // one token above: graduated 1 × 10 %, volume all 101 × 10 %
    [InlineData(300, "20", "30")]        // at the second edge: graduated 200 × 10 %, volume still tier 1 (300 is not above 300)
    [InlineData(301, "20.2", "60.2")]    // graduated 200 × 10 % + 1 × 20 %, volume tier 2 on all 301
    public void a_total_exactly_at_a_threshold_has_not_reached_it(long output, string graduatedText, string volumeText)
    {
        var (graduated, volume) = (decimal.Parse(graduatedText, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(volumeText, System.Globalization.CultureInfo.InvariantCulture));
        RatedUsage[] usage = [U("x", "a", 1, output)];

        ScheduleSettlement.Settle("b", [Schedule(VolumeModes.Graduated, ["a"], (100, 10m), (300, 20m))], usage).Sum(t => t.Discount).ShouldBe(graduated);
        ScheduleSettlement.Settle("b", [Schedule(VolumeModes.Volume, ["a"], (100, 10m), (300, 20m))], usage).Sum(t => t.Discount).ShouldBe(volume);
    }

    [Fact]
    public void a_model_group_counts_its_models_together_and_leaves_other_models_alone()
    {
        RatedUsage[] usage = [U("a1", "a", 1, 80), U("b1", "b", 2, 80), U("c1", "c", 3, 500)];

        var group = ScheduleSettlement.Settle("b", [Schedule(VolumeModes.Graduated, ["a", "b"], (100, 10m))], usage).ShouldHaveSingleItem();
        var perModel = ScheduleSettlement.Settle("b", [Schedule(VolumeModes.Graduated, ["a"], (100, 10m)), Schedule(VolumeModes.Graduated, ["b"], (100, 10m))], usage);

        // a + b = 160 tokens: b1's last 60 are above 100; c is in no schedule
        (group.Schedule.Name, group.PeriodTokens, group.TokensDiscounted, group.Discount).ShouldBe(("a + b", 160L, 60L, 6m));
        group.Events.ShouldHaveSingleItem().ShouldBe(new EventVolumeDiscount("b1", Shanghai(2026, 6, 2, 12, 0), "b", 6m));
        perModel.ShouldBeEmpty(); // 80 each: neither model alone is above 100
    }

    [Fact]
    public void counted_classes_are_the_discounted_ones_and_arrival_order_changes_nothing()
    {
        var inputAndOutput = new ModelVolumeSchedule("a", ["a"], VolumeModes.Graduated, [TokenClass.Input, TokenClass.Output], [new VolumeScheduleTier(1_000, 10m)]);
        // 600 input (300 CNY) then 300 input + 300 output (150 + 300 CNY): 1,200 counted, e2's last 200 of its 600 are above 1,000
        RatedUsage[] usage = [U("e1", "a", 1, 0, input: 600), U("e2", "a", 2, 300, input: 300)];

        var settled = ScheduleSettlement.Settle("b", [inputAndOutput], usage).ShouldHaveSingleItem();
        var reversed = ScheduleSettlement.Settle("b", [inputAndOutput], [usage[1], usage[0]]).ShouldHaveSingleItem();

        settled.Discount.ShouldBe((150m + 300m) * 200 / 600 * 0.1m);
        reversed.Discount.ShouldBe(settled.Discount);
        reversed.Events.ShouldBe(settled.Events);
    }

    [Fact]
    public void a_zero_percent_tier_makes_no_line()
    {
        ScheduleSettlement.Settle("b", [Schedule(VolumeModes.Graduated, ["a"], (0, 0m), (1_000, 5m))], Month).ShouldBeEmpty();
        ScheduleSettlement.Settle("b", [Schedule(VolumeModes.Volume, ["a"], (0, 0m), (1_000, 5m))], Month).ShouldBeEmpty();
    }

    private const string WithSchedules = """
        {"currency":"CNY","effectiveFrom":"2026-06-01T00:00:00+08:00","aliases":{"deepseek-chat":"deepseek-v4-pro"},
         "prices":[{"model":"deepseek-v4-pro","inputPerMillion":"2","cachedInputPerMillion":"0.2","outputPerMillion":"8"},
                   {"model":"glm-4.6","inputPerMillion":"2","cachedInputPerMillion":"0.4","outputPerMillion":"8"},
                   {"model":"kimi-k2","inputPerMillion":"4","cachedInputPerMillion":"1","outputPerMillion":"16"}],
         "volumeSchedules":[
           {"models":["deepseek-v4-pro"],"mode":"graduated","tiers":[{"aboveTokens":100000000,"discountPercent":"5"},{"aboveTokens":500000000,"discountPercent":"12.5"}]},
           {"name":"open models","models":["glm-4.6","kimi-k2"],"mode":"volume","classes":["output"],"tiers":[{"aboveTokens":0,"discountPercent":"0"},{"aboveTokens":10000000,"discountPercent":"8"}]}]}
        """;

    [Fact]
    public void the_wire_form_maps_to_schedules_and_back()
    {
        var request = JsonSerializer.Deserialize<PutPriceBookRequest>(WithSchedules, putting_a_price_book.Web)!;
        new PutPriceBookRequest.Validator().Validate(request).IsValid.ShouldBeTrue();

        var version = PutPriceBookRequest.ToVersion("retail-cn", 1, request);

        var (first, second) = (version.VolumeSchedules![0], version.VolumeSchedules[1]);
        (first.Name, first.Mode, first.Classes.Count).ShouldBe(("deepseek-v4-pro", VolumeModes.Graduated, 4));
        first.Tiers.ShouldBe([new VolumeScheduleTier(100_000_000, 5m), new VolumeScheduleTier(500_000_000, 12.5m)]);
        (second.Name, second.Mode).ShouldBe(("open models", VolumeModes.Volume));
        second.Models.ShouldBe(["glm-4.6", "kimi-k2"]);
        second.Classes.ShouldBe([TokenClass.Output]);
        var again = PutPriceBookRequest.ToVersion("retail-cn", 1, PutPriceBookRequest.FromVersion(version));
        JsonSerializer.Serialize(again.VolumeSchedules).ShouldBe(JsonSerializer.Serialize(version.VolumeSchedules));
        PutPriceBookRequest.FromVersion(PutPriceBookRequest.ToVersion("x", 1, request with { VolumeSchedules = null })).VolumeSchedules.ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"models":["deepseek-v4-pro"],"mode":"graduated","tiers":[{"aboveTokens":500,"discountPercent":"5"},{"aboveTokens":500,"discountPercent":"6"}]}""",
        "volumeSchedules[0].tiers[1].aboveTokens", "must be greater than the previous tier's 500: tiers must be strictly ascending")]
    [InlineData("""{"models":["deepseek-v4-pro"],"mode":"graduated","tiers":[{"aboveTokens":-1,"discountPercent":"5"}]}""",
        "volumeSchedules[0].tiers[0].aboveTokens", "must be between 0 and 1,000,000,000,000,000, not -1")]
    [InlineData("""{"models":["deepseek-v4-pro"],"mode":"graduated","tiers":[{"aboveTokens":1,"discountPercent":"100.5"}]}""",
        "volumeSchedules[0].tiers[0].discountPercent", "must be between 0 and 100")]
    [InlineData("""{"models":["deepseek-v4-pro"],"mode":"graduated","tiers":[{"aboveTokens":1,"discountPercent":"1.0000000000001"}]}""",
        "volumeSchedules[0].tiers[0].discountPercent", "has more than 12 decimal places")]
    [InlineData("""{"models":["deepseek-v4-pro"],"mode":"graduated","tiers":[{"aboveTokens":1,"discountPercent":5}]}""",
        null, null)]
    [InlineData("""{"models":["deepseek-chat"],"mode":"graduated","tiers":[{"aboveTokens":1,"discountPercent":"5"}]}""",
        "volumeSchedules[0].models[0]", "is an alias of 'deepseek-v4-pro': name the priced model")]
    [InlineData("""{"models":["qwen3-max"],"mode":"graduated","tiers":[{"aboveTokens":1,"discountPercent":"5"}]}""",
        "volumeSchedules[0].models[0]", "has no price in this price book version")]
    [InlineData("""{"models":["deepseek-v4-pro"],"mode":"tiered","tiers":[{"aboveTokens":1,"discountPercent":"5"}]}""",
        "volumeSchedules[0].mode", "must be \"graduated\"")]
    [InlineData("""{"models":["deepseek-v4-pro"],"mode":"volume","classes":["reasoning"],"tiers":[{"aboveTokens":1,"discountPercent":"5"}]}""",
        "volumeSchedules[0].classes[0]", "must be input, cachedInput, cacheWrite or output")]
    [InlineData("""{"models":["deepseek-v4-pro"],"mode":"volume","tiers":[]}""",
        "volumeSchedules[0].tiers", "must list 1 to 20 tiers")]
    [InlineData("""{"models":["deepseek-v4-pro"],"mode":"volume","tiers":[{"aboveTokens":1,"discountPercent":"5"}]},{"models":["deepseek-v4-pro"],"mode":"volume","tiers":[{"aboveTokens":1,"discountPercent":"5"}]}""",
        "volumeSchedules[1].models[0]", "is already in volumeSchedules[0]")]
    public void a_bad_schedule_is_refused_with_the_path_of_the_field(string schedules, string? path, string? message)
    {
        var json = $$"""
            {"currency":"CNY","effectiveFrom":"2026-06-01T00:00:00+08:00","aliases":{"deepseek-chat":"deepseek-v4-pro"},
             "prices":[{"model":"deepseek-v4-pro","inputPerMillion":"2","cachedInputPerMillion":"0.2","outputPerMillion":"8"}],
             "volumeSchedules":[{{schedules}}]}
            """;
        if (path is null)
        {
            // A JSON number is not a decimal string: the body does not even deserialize (money never passes through a double).
            Should.Throw<JsonException>(() => JsonSerializer.Deserialize<PutPriceBookRequest>(json, putting_a_price_book.Web));
            return;
        }
        var result = new PutPriceBookRequest.Validator().Validate(JsonSerializer.Deserialize<PutPriceBookRequest>(json, putting_a_price_book.Web)!);

        var error = result.Errors.ShouldHaveSingleItem();
        error.PropertyName.ShouldBe(path);
        error.ErrorMessage.ShouldContain(message!);
    }
}
