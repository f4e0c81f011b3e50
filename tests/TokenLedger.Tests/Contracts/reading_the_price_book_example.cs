using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NodaTime;
using Shouldly;
using TokenLedger.Pricing;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Pricing.PuttingPriceBook;

namespace TokenLedger.Tests.Contracts;

/// <summary>
/// contracts/examples/price-book.json is a valid PUT /api/price-books/{id} body for the real validator, maps to the
/// version the contract describes, and charges what contracts/README.md says it charges.
/// </summary>
public class reading_the_price_book_example
{
    /// <summary>What ASP.NET Core's minimal APIs deserialize request bodies with.</summary>
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private static PutPriceBookRequest Request() =>
        JsonSerializer.Deserialize<PutPriceBookRequest>(ContractFiles.ExampleText("price-book.json"), Web)!;

    private static PriceBookVersion Version() => PutPriceBookRequest.ToVersion("retail-cn", 1, Request());

    private static Instant At(int day, int hour, int minute) => new LocalDateTime(2026, 6, day, hour, minute).InZoneStrictly(Shanghai).ToInstant();

    [Fact]
    public void the_example_is_valid()
    {
        var result = new PutPriceBookRequest.Validator().Validate(Request());

        result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}").ShouldBeEmpty();
        result.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void the_example_maps_to_a_cny_version_effective_on_june_1_in_shanghai()
    {
        var version = Version();

        (version.PriceBookId, version.Version, version.Currency).ShouldBe(("retail-cn", 1, "CNY"));
        version.EffectiveFrom.ShouldBe(Instant.FromUtc(2026, 5, 31, 16, 0));
        version.Aliases.ShouldBe(new Dictionary<string, string> { ["deepseek-chat"] = "deepseek-v4-pro" });
        version.Prices.Keys.Order(StringComparer.Ordinal).ShouldBe(["deepseek-v4-pro", "glm-4.5-flash", "qwen3-max"]);
    }

    [Fact]
    public void deepseek_v4_pro_has_a_32k_tier_and_a_half_price_night_in_shanghai_and_no_cache_write_price()
    {
        var price = Version().Prices["deepseek-v4-pro"];

        price.Base.ShouldBe(new TokenPrices(2m, 0.2m, 0m, 8m));
        price.ContextTiers.ShouldBe([new ContextTier(32_000, new TokenPrices(4m, 0.4m, 0m, 16m))]);
        price.TimeOfDay.ShouldBe([new TimeOfDayDiscount("Asia/Shanghai", new LocalTime(0, 30), new LocalTime(8, 30), 50m)]);
        price.Promotions.ShouldBeEmpty();
    }

    [Fact]
    public void qwen3_max_has_32k_and_128k_tiers_with_their_own_cache_write_prices_and_a_promotion()
    {
        var price = Version().Prices["qwen3-max"];

        price.Base.ShouldBe(new TokenPrices(6m, 1.2m, 7.5m, 24m));
        price.ContextTiers.ShouldBe([
            new ContextTier(32_000, new TokenPrices(10m, 2m, 12.5m, 40m)),
            new ContextTier(128_000, new TokenPrices(15m, 3m, 18.75m, 60m)),
        ]);
        price.TimeOfDay.ShouldBeEmpty();
        price.Promotions.ShouldBe([new Promotion("618 年中大促", At(1, 0, 0), At(19, 0, 0), 20m)]);
    }

    [Fact]
    public void glm_4_5_flash_is_free()
    {
        Version().Prices["glm-4.5-flash"].Base.ShouldBe(new TokenPrices(0m, 0m, 0m, 0m));
    }

    // The table "What the example charges" in contracts/README.md.
    [Theory]
    [InlineData("deepseek-chat", 12, 10, 0, 1_200, 30_000, 0, 800, "deepseek-v4-pro", 0, "0", "0.0148")]
    [InlineData("deepseek-chat", 12, 2, 0, 1_200, 30_000, 0, 800, "deepseek-v4-pro", 0, "50", "0.0074")]
    [InlineData("deepseek-v4-pro", 12, 10, 0, 2_001, 30_000, 0, 800, "deepseek-v4-pro", 1, "0", "0.032804")]
    [InlineData("qwen3-max", 12, 14, 0, 20_000, 120_000, 0, 1_000, "qwen3-max", 2, "20", "0.576")]
    [InlineData("qwen3-max", 20, 14, 0, 20_000, 120_000, 0, 1_000, "qwen3-max", 2, "0", "0.72")]
    [InlineData("glm-4.5-flash", 12, 14, 0, 50_000, 0, 0, 9_000, "glm-4.5-flash", 0, "0", "0")]
    public void the_example_charges_what_the_contract_readme_says(
        string model, int day, int hour, int minute, long input, long cached, long cacheWrite, long output,
        string pricedAs, int tier, string discountPercent, string amount)
    {
        var charge = Rating.Rate(Version(), model, new TokenCounts(input, cached, cacheWrite, output), At(day, hour, minute))
            .ShouldBeOfType<Rated>().Charge;

        (charge.Model, charge.ContextTier, charge.DiscountPercent, charge.Amount)
            .ShouldBe((pricedAs, tier, decimal.Parse(discountPercent, System.Globalization.CultureInfo.InvariantCulture),
                decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void a_model_the_example_does_not_price_is_unrated_with_the_reason()
    {
        Rating.Rate(Version(), "kimi-k2", new TokenCounts(1_000, 0, 0, 100), At(12, 10, 0)).ShouldBeOfType<Unrated>().Reason
            .ShouldBe("model 'kimi-k2' has no price in price book 'retail-cn' version 1");
    }

    [Fact]
    public void putting_the_example_again_in_other_words_publishes_nothing_and_a_changed_price_publishes_version_2()
    {
        var book = new PriceBook("pricebook:retail-cn", "retail-cn", "CNY", [Version()]);
        var now = Instant.FromUtc(2026, 6, 20, 0, 0);

        PublishPriceBookVersion.Decide(book, "retail-cn", Request(), now).ShouldBeEmpty();

        var reworded = JsonNode.Parse(ContractFiles.ExampleText("price-book.json"))!;
        reworded["effectiveFrom"] = "2026-05-31T16:00:00Z";
        reworded["prices"]![0]!["inputPerMillion"] = "2.000";
        reworded["prices"]![0]!["cacheWritePerMillion"] = "0";
        reworded["prices"]!.AsArray().Insert(0, reworded["prices"]![2]!.DeepClone());
        reworded["prices"]!.AsArray().RemoveAt(3);
        PublishPriceBookVersion.Decide(book, "retail-cn", reworded.Deserialize<PutPriceBookRequest>(Web)!, now).ShouldBeEmpty();

        var changed = JsonNode.Parse(ContractFiles.ExampleText("price-book.json"))!;
        changed["prices"]![0]!["outputPerMillion"] = "9";
        var published = PublishPriceBookVersion.Decide(book, "retail-cn", changed.Deserialize<PutPriceBookRequest>(Web)!, now)
            .ShouldHaveSingleItem().ShouldBeOfType<PriceBookVersionPublished>();
        published.Version.Version.ShouldBe(2);
        published.Version.Prices["deepseek-v4-pro"].Base.OutputPerMillion.ShouldBe(9m);
    }

    [Fact]
    public void the_version_written_back_as_get_shows_it_is_the_same_content_in_normal_form()
    {
        var wire = JsonSerializer.SerializeToNode(PutPriceBookRequest.FromVersion(Version()), Web)!;

        wire["effectiveFrom"]!.GetValue<string>().ShouldBe("2026-05-31T16:00:00Z");
        wire["prices"]!.AsArray().Select(p => p!["model"]!.GetValue<string>()).ShouldBe(["deepseek-v4-pro", "glm-4.5-flash", "qwen3-max"]);
        wire["prices"]![0]!["cacheWritePerMillion"]!.GetValue<string>().ShouldBe("0");
        wire["prices"]![0]!["promotions"]!.AsArray().ShouldBeEmpty();
        PutPriceBookRequest.ToVersion("retail-cn", 1, wire.Deserialize<PutPriceBookRequest>(Web)!).Prices["qwen3-max"].ContextTiers
            .ShouldBe(Version().Prices["qwen3-max"].ContextTiers);
    }

    // The schema's decimal pattern (schemas/price-book-request.v1.schema.json, $defs.amount) and the ledger's parser agree.
    [Theory]
    [InlineData("2", true)]
    [InlineData("0.28", true)]
    [InlineData("0", true)]
    [InlineData("18.75", true)]
    [InlineData("2.8e-1", true)]
    [InlineData("1E3", true)]
    [InlineData(".5", true)]
    [InlineData("5.", true)]
    [InlineData("+2", true)]
    [InlineData("0.123456789012", true)]
    [InlineData("2,5", false)]
    [InlineData(" 2", false)]
    [InlineData("2 ", false)]
    [InlineData("-1", false)]
    [InlineData("", false)]
    [InlineData("1_000", false)]
    [InlineData("1,000.5", false)]
    [InlineData("0x10", false)]
    [InlineData("NaN", false)]
    [InlineData("Infinity", false)]
    [InlineData("1e", false)]
    [InlineData("e5", false)]
    [InlineData(".", false)]
    [InlineData("٢", false)]
    public void the_schema_decimal_pattern_accepts_what_the_validator_accepts(string text, bool accepted)
    {
        var schema = JsonNode.Parse(ContractFiles.SchemaText("price-book-request.v1.schema.json"))!;
        var pattern = schema["$defs"]!["amount"]!["pattern"]!.GetValue<string>();

        Regex.IsMatch(text, pattern).ShouldBe(accepted);
        var request = JsonNode.Parse(ContractFiles.ExampleText("price-book.json"))!;
        request["prices"]![0]!["inputPerMillion"] = text;
        var errors = new PutPriceBookRequest.Validator().Validate(request.Deserialize<PutPriceBookRequest>(Web)!).Errors;
        errors.Any(e => e.PropertyName == "prices[0].inputPerMillion").ShouldBe(!accepted, string.Join("; ", errors.Select(e => e.ErrorMessage)));
    }
}
