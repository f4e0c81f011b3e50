using NodaTime;
using Shouldly;
using TokenLedger.Pricing;
using static TokenLedger.Tests.Pricing.PriceBooks;

namespace TokenLedger.Tests.Pricing;

/// <summary><see cref="Rating.Rate"/>: worked examples of every rule, to the exact decimal.</summary>
public class rating_a_request
{
    private static readonly Instant Noon = Shanghai(2026, 6, 10, 12, 0);

    private static readonly ModelPrice DeepSeek = Model("deepseek-v4-pro",
        Prices(2m, 0.2m, 0m, 8m),
        tiers: [new ContextTier(32_000, Prices(4m, 0.4m, 0.5m, 16m))]);

    [Fact]
    public void each_class_is_tokens_times_the_price_per_million_exactly()
    {
        var charge = Rating.Rate(Version(DeepSeek), "deepseek-v4-pro", Tokens(input: 1200, cachedInput: 30_000, output: 800), Noon).ShouldBeRated();

        charge.ShouldBe(new Charge("retail-cn", 1, "CNY", "deepseek-v4-pro", 0, 0m, 0.0024m, 0.006m, 0m, 0.0064m));
        charge.Amount.ShouldBe(0.0148m);
    }

    [Fact]
    public void amounts_are_not_rounded()
    {
        var model = Model("tiny", Prices(0.28m, 0.000000000001m, 0m, 0.42m));

        var charge = Rating.Rate(Version(model), "tiny", Tokens(input: 1, cachedInput: 1, output: 3), Noon).ShouldBeRated();

        charge.Input.ShouldBe(0.00000028m);
        charge.CachedInput.ShouldBe(0.000000000000000001m);
        charge.Output.ShouldBe(0.00000126m);
        charge.Amount.ShouldBe(0.000001540000000001m);
    }

    [Fact]
    public void exactly_32000_input_tokens_are_priced_at_the_base_prices()
    {
        var charge = Rating.Rate(Version(DeepSeek), "deepseek-v4-pro", Tokens(input: 2000, cachedInput: 30_000, output: 800), Noon).ShouldBeRated();

        charge.ContextTier.ShouldBe(0);
        (charge.Input, charge.CachedInput, charge.CacheWrite, charge.Output).ShouldBe((0.004m, 0.006m, 0m, 0.0064m));
        charge.Amount.ShouldBe(0.0164m);
    }

    [Fact]
    public void from_32001_input_tokens_the_whole_request_is_priced_at_tier_1()
    {
        var charge = Rating.Rate(Version(DeepSeek), "deepseek-v4-pro", Tokens(input: 2001, cachedInput: 30_000, output: 800), Noon).ShouldBeRated();

        charge.ContextTier.ShouldBe(1);
        (charge.Input, charge.CachedInput, charge.CacheWrite, charge.Output).ShouldBe((0.008004m, 0.012m, 0m, 0.0128m));
        charge.Amount.ShouldBe(0.032804m);
    }

    [Fact]
    public void cache_write_and_output_count_by_the_tier_prices_but_only_input_classes_choose_the_tier()
    {
        // 31,000 input + 1,001 cache write = 32,001 total input: tier 1, and cache write uses the tier's own price.
        var charge = Rating.Rate(Version(DeepSeek), "deepseek-v4-pro", Tokens(input: 31_000, cacheWrite: 1001, output: 1_000_000), Noon).ShouldBeRated();
        charge.ContextTier.ShouldBe(1);
        charge.CacheWrite.ShouldBe(0.0005005m);

        // A million output tokens do not move a small prompt out of the base tier.
        Rating.Rate(Version(DeepSeek), "deepseek-v4-pro", Tokens(input: 10, output: 1_000_000), Noon).ShouldBeRated().ContextTier.ShouldBe(0);
    }

    [Theory]
    [InlineData(32_000, 0)]
    [InlineData(32_001, 1)]
    [InlineData(128_000, 1)]
    [InlineData(128_001, 2)]
    [InlineData(200_000, 2)]
    [InlineData(200_001, 3)]
    public void the_tier_index_counts_tiers_in_ascending_order_whatever_order_they_are_listed_in(long totalInput, int tier)
    {
        var model = Model("m", Prices(1m, 1m, 1m, 1m), tiers:
        [
            new ContextTier(200_000, Prices(4m, 4m, 4m, 4m)),
            new ContextTier(32_000, Prices(2m, 2m, 2m, 2m)),
            new ContextTier(128_000, Prices(3m, 3m, 3m, 3m)),
        ]);

        var charge = Rating.Rate(Version(model), "m", Tokens(input: totalInput), Noon).ShouldBeRated();

        charge.ContextTier.ShouldBe(tier);
        charge.Input.ShouldBe(totalInput * (tier + 1) / 1_000_000m);
    }

    [Theory]
    [InlineData(21, 59, 59, 0)]
    [InlineData(22, 0, 0, 50)]
    [InlineData(23, 59, 59, 50)]
    [InlineData(0, 0, 0, 50)]
    [InlineData(5, 59, 0, 50)]
    [InlineData(5, 59, 59, 50)]
    [InlineData(6, 0, 0, 0)]
    [InlineData(12, 0, 0, 0)]
    public void an_off_peak_window_crossing_midnight_in_shanghai_is_half_open(int hour, int minute, int second, int percent)
    {
        var model = Model("m", Prices(2m, 0m, 0m, 8m),
            timeOfDay: [new TimeOfDayDiscount("Asia/Shanghai", new LocalTime(22, 0), new LocalTime(6, 0), 50m)]);

        var charge = Rating.Rate(Version(model), "m", Tokens(input: 1_000_000, output: 1_000_000), Shanghai(2026, 6, 10, hour, minute, second)).ShouldBeRated();

        charge.DiscountPercent.ShouldBe(percent);
        charge.Amount.ShouldBe(10m * (100 - percent) / 100);
    }

    [Fact]
    public void a_window_from_equal_to_to_lasts_all_day()
    {
        var model = Model("m", Prices(1m, 0m, 0m, 0m), timeOfDay: [new TimeOfDayDiscount("Asia/Shanghai", new LocalTime(8, 0), new LocalTime(8, 0), 10m)]);

        foreach (var hour in new[] { 0, 7, 8, 9, 23 })
            Rating.Rate(Version(model), "m", Tokens(input: 1_000_000), Shanghai(2026, 6, 10, hour, 0)).ShouldBeRated().DiscountPercent.ShouldBe(10m);
    }

    [Fact]
    public void a_window_is_evaluated_in_its_own_zone_not_in_utc()
    {
        // 00:30–08:30 in Shanghai is 16:30–00:30 UTC.
        var model = Model("m", Prices(1m, 0m, 0m, 0m), timeOfDay: [new TimeOfDayDiscount("Asia/Shanghai", new LocalTime(0, 30), new LocalTime(8, 30), 50m)]);

        Rating.Rate(Version(model), "m", Tokens(input: 1), Instant.FromUtc(2026, 6, 10, 16, 30)).ShouldBeRated().DiscountPercent.ShouldBe(50m);
        Rating.Rate(Version(model), "m", Tokens(input: 1), Instant.FromUtc(2026, 6, 10, 4, 0)).ShouldBeRated().DiscountPercent.ShouldBe(0m);
    }

    [Theory]
    // 22:00–06:00 in New York: 06:00 local is 11:00Z on EST days and 10:00Z from the spring-forward day (2026-03-08) on.
    [InlineData(2026, 3, 7, 10, 30, 30)]
    [InlineData(2026, 3, 7, 10, 59, 30)]
    [InlineData(2026, 3, 7, 11, 0, 0)]
    [InlineData(2026, 3, 8, 9, 59, 30)]
    [InlineData(2026, 3, 8, 10, 0, 0)]
    [InlineData(2026, 3, 8, 10, 30, 0)]
    // 22:00 local: 03:00Z in EST (the evening of March 7), 02:00Z in EDT (the evening of March 8).
    [InlineData(2026, 3, 8, 2, 59, 0)]
    [InlineData(2026, 3, 8, 3, 0, 30)]
    [InlineData(2026, 3, 9, 1, 59, 0)]
    [InlineData(2026, 3, 9, 2, 0, 30)]
    public void a_window_in_a_dst_zone_follows_the_local_clock_across_spring_forward(int year, int month, int day, int hour, int minute, int percent)
    {
        var model = Model("m", Prices(1m, 0m, 0m, 0m), timeOfDay: [new TimeOfDayDiscount("America/New_York", new LocalTime(22, 0), new LocalTime(6, 0), 30m)]);

        Rating.Rate(Version(model), "m", Tokens(input: 1_000_000), Instant.FromUtc(year, month, day, hour, minute))
            .ShouldBeRated().DiscountPercent.ShouldBe(percent);
    }

    [Theory]
    // [02:00, 03:00) does not exist on 2026-03-08 in New York: 01:59:59 EST is followed by 03:00:00 EDT.
    [InlineData(2026, 3, 8, 6, 59, 59, 0)]
    [InlineData(2026, 3, 8, 7, 0, 0, 0)]
    [InlineData(2026, 3, 9, 6, 30, 0, 25)]
    // [01:00, 02:00) happens twice on 2026-11-01: once in EDT (05:00Z–06:00Z), once in EST (06:00Z–07:00Z).
    [InlineData(2026, 11, 1, 4, 59, 59, 0)]
    [InlineData(2026, 11, 1, 5, 30, 0, 25)]
    [InlineData(2026, 11, 1, 6, 30, 0, 25)]
    [InlineData(2026, 11, 1, 7, 0, 0, 0)]
    public void a_skipped_local_hour_is_never_discounted_and_a_repeated_one_is_discounted_twice(
        int year, int month, int day, int hour, int minute, int second, int percent)
    {
        var skipped = new TimeOfDayDiscount("America/New_York", new LocalTime(2, 0), new LocalTime(3, 0), 25m);
        var repeated = new TimeOfDayDiscount("America/New_York", new LocalTime(1, 0), new LocalTime(2, 0), 25m);
        var model = Model("m", Prices(1m, 0m, 0m, 0m), timeOfDay: [month == 3 ? skipped : repeated]);

        Rating.Rate(Version(model), "m", Tokens(input: 1_000_000), Instant.FromUtc(year, month, day, hour, minute, second))
            .ShouldBeRated().DiscountPercent.ShouldBe(percent);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 20)]
    [InlineData(1, 20)]
    [InlineData(14 * 24 * 3600 - 1, 20)]
    [InlineData(14 * 24 * 3600, 0)]
    public void a_promotion_runs_from_its_start_up_to_but_not_including_its_end(int secondsAfterStart, int percent)
    {
        var start = Shanghai(2026, 6, 1, 0, 0);
        var model = Model("m", Prices(1m, 0m, 0m, 0m), promotions: [new Promotion("launch", start, Shanghai(2026, 6, 15, 0, 0), 20m)]);

        Rating.Rate(Version(model), "m", Tokens(input: 1_000_000), start + Duration.FromSeconds(secondsAfterStart))
            .ShouldBeRated().DiscountPercent.ShouldBe(percent);
    }

    [Fact]
    public void time_of_day_and_promotion_compound_multiplicatively()
    {
        var model = Model("deepseek-v4-pro", Prices(2m, 0.2m, 0m, 8m),
            timeOfDay: [new TimeOfDayDiscount("Asia/Shanghai", new LocalTime(0, 30), new LocalTime(8, 30), 50m)],
            promotions: [new Promotion("launch", Shanghai(2026, 6, 1, 0, 0), Shanghai(2026, 6, 15, 0, 0), 20m)]);

        var charge = Rating.Rate(Version(model), "deepseek-v4-pro", Tokens(input: 2000, cachedInput: 30_000, output: 800), Shanghai(2026, 6, 3, 1, 0)).ShouldBeRated();

        // factor = (1 − 0.5) × (1 − 0.2) = 0.4, so 60 % off, not 70 %.
        charge.DiscountPercent.ShouldBe(60m);
        (charge.Input, charge.CachedInput, charge.CacheWrite, charge.Output).ShouldBe((0.0016m, 0.0024m, 0m, 0.00256m));
        charge.Amount.ShouldBe(0.00656m);
    }

    [Fact]
    public void of_several_matching_windows_and_promotions_the_largest_of_each_applies()
    {
        var model = Model("m", Prices(1m, 0m, 0m, 0m),
            timeOfDay:
            [
                new TimeOfDayDiscount("Asia/Shanghai", new LocalTime(0, 0), new LocalTime(8, 0), 30m),
                new TimeOfDayDiscount("Asia/Shanghai", new LocalTime(1, 0), new LocalTime(2, 0), 50m),
                new TimeOfDayDiscount("Asia/Shanghai", new LocalTime(9, 0), new LocalTime(10, 0), 90m),
            ],
            promotions:
            [
                new Promotion("spring", Shanghai(2026, 6, 1, 0, 0), Shanghai(2026, 7, 1, 0, 0), 10m),
                new Promotion("launch", Shanghai(2026, 6, 1, 0, 0), Shanghai(2026, 6, 15, 0, 0), 25m),
                new Promotion("later", Shanghai(2026, 7, 1, 0, 0), Shanghai(2026, 8, 1, 0, 0), 80m),
            ]);

        var charge = Rating.Rate(Version(model), "m", Tokens(input: 1_000_000), Shanghai(2026, 6, 3, 1, 30)).ShouldBeRated();

        charge.DiscountPercent.ShouldBe(62.5m); // 1 − 0.5 × 0.75
        charge.Input.ShouldBe(0.375m);
    }

    [Fact]
    public void a_free_model_rates_to_zero()
    {
        var charge = Rating.Rate(Version(Model("qwen-free", Prices(0m, 0m, 0m, 0m))), "qwen-free", Tokens(1000, 2000, 3000, 4000), Noon).ShouldBeRated();

        charge.ShouldBe(new Charge("retail-cn", 1, "CNY", "qwen-free", 0, 0m, 0m, 0m, 0m, 0m));
        charge.Amount.ShouldBe(0m);
    }

    [Fact]
    public void an_alias_is_rated_as_its_canonical_model()
    {
        var version = Version(1, June1Shanghai, [DeepSeek], new Dictionary<string, string> { ["deepseek-chat"] = "deepseek-v4-pro" });

        var viaAlias = Rating.Rate(version, "deepseek-chat", Tokens(input: 1200, output: 800), Noon).ShouldBeRated();

        viaAlias.Model.ShouldBe("deepseek-v4-pro");
        viaAlias.ShouldBe(Rating.Rate(version, "deepseek-v4-pro", Tokens(input: 1200, output: 800), Noon).ShouldBeRated());
    }

    [Fact]
    public void a_model_without_a_price_is_unrated_naming_the_model_and_the_version()
    {
        var version = Version(3, June1Shanghai, [DeepSeek]);

        Rating.Rate(version, "kimi-k2", Tokens(input: 10), Noon).ShouldBeUnrated()
            .ShouldBe("model 'kimi-k2' has no price in price book 'retail-cn' version 3");
    }

    [Fact]
    public void model_lookup_is_case_sensitive()
    {
        Rating.Rate(Version(DeepSeek), "DeepSeek-V4-Pro", Tokens(input: 10), Noon).ShouldBeUnrated()
            .ShouldBe("model 'DeepSeek-V4-Pro' has no price in price book 'retail-cn' version 1");
    }

    [Fact]
    public void an_alias_to_a_model_without_a_price_is_unrated_naming_both()
    {
        var version = Version(2, June1Shanghai, [DeepSeek], new Dictionary<string, string> { ["kimi"] = "kimi-k2" });

        Rating.Rate(version, "kimi", Tokens(input: 10), Noon).ShouldBeUnrated()
            .ShouldBe("model 'kimi' (an alias of 'kimi-k2') has no price in price book 'retail-cn' version 2");
    }

    [Fact]
    public void negative_token_counts_are_unrated()
    {
        Rating.Rate(Version(DeepSeek), "deepseek-v4-pro", Tokens(input: 10, output: -1), Noon).ShouldBeUnrated()
            .ShouldBe("token counts must not be negative (input 10, cached input 0, cache write 0, output -1)");
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("100.5")]
    public void a_discount_outside_0_to_100_is_unrated_rather_than_a_negative_or_inflated_charge(string percent)
    {
        var p = decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture);
        var model = Model("m", Prices(1m, 0m, 0m, 0m), promotions: [new Promotion("bad", Instant.MinValue, Instant.MaxValue, p)]);

        Rating.Rate(Version(model), "m", Tokens(input: 1), Noon).ShouldBeUnrated()
            .ShouldBe($"model 'm' in price book 'retail-cn' version 1 has a promotion 'bad' discount of {percent}%, outside 0..100");
    }

    [Fact]
    public void a_window_in_an_unknown_zone_is_unrated()
    {
        var model = Model("m", Prices(1m, 0m, 0m, 0m), timeOfDay: [new TimeOfDayDiscount("Asia/Beijing", new LocalTime(0, 0), new LocalTime(6, 0), 10m)]);

        Rating.Rate(Version(model), "m", Tokens(input: 1), Noon).ShouldBeUnrated()
            .ShouldBe("model 'm' in price book 'retail-cn' version 1 has a time-of-day discount in 'Asia/Beijing', which is not a TZDB time zone");
    }

    [Fact]
    public void a_negative_price_is_unrated()
    {
        Rating.Rate(Version(Model("m", Prices(1m, -0.1m, 0m, 0m))), "m", Tokens(input: 1), Noon).ShouldBeUnrated()
            .ShouldBe("model 'm' has a negative price in price book 'retail-cn' version 1");
    }

    [Fact]
    public void a_charge_too_large_for_a_decimal_is_unrated_not_thrown()
    {
        var model = Model("m", Prices(10_000_000_000m, 0m, 0m, 0m));

        Rating.Rate(Version(model), "m", Tokens(input: 9_000_000_000_000_000_000), Noon).ShouldBeUnrated().ShouldStartWith("the charge for model 'm'");
        Rating.Rate(Version(model), "m", Tokens(input: long.MaxValue, cachedInput: 1), Noon).ShouldBeUnrated().ShouldStartWith("the charge for model 'm'");
    }

    [Fact]
    public void a_usage_event_is_rated_at_wholesale_and_at_retail()
    {
        var wholesale = new PriceBookHistory([Version(1, June1Shanghai, [Model("m", Prices(1m, 0.1m, 0m, 4m))], priceBookId: "wholesale-cn")]);
        var retail = new PriceBookHistory([Version(1, June1Shanghai, [Model("m", Prices(2m, 0.2m, 0m, 8m))], priceBookId: "retail-cn")]);

        var both = Rating.RateWholesaleAndRetail(wholesale, retail, "m", Tokens(input: 1000, output: 500), Noon);

        both.Wholesale.ShouldBeRated().ShouldBe(new Charge("wholesale-cn", 1, "CNY", "m", 0, 0m, 0.001m, 0m, 0m, 0.002m));
        both.Retail.ShouldBeRated().ShouldBe(new Charge("retail-cn", 1, "CNY", "m", 0, 0m, 0.002m, 0m, 0m, 0.004m));
    }
}
