using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using Shouldly;
using TokenLedger.Pricing;
using TokenLedger.Pricing.PuttingPriceBook;
using static TokenLedger.Tests.Pricing.PriceBooks;

namespace TokenLedger.Tests.Pricing;

/// <summary><see cref="PutPriceBookRequest"/>: the wire format of a price book version, its validator and its mapping.</summary>
public class putting_a_price_book
{
    internal static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    internal const string Sample = """
        {"currency":"CNY","effectiveFrom":"2026-06-01T00:00:00+08:00","aliases":{"deepseek-chat":"deepseek-v4-pro"},
         "prices":[{"model":"deepseek-v4-pro","inputPerMillion":"2","cachedInputPerMillion":"0.2","cacheWritePerMillion":"0","outputPerMillion":"8",
           "contextTiers":[{"aboveInputTokens":32000,"inputPerMillion":"4","cachedInputPerMillion":"0.4","outputPerMillion":"16"}],
           "timeOfDay":[{"zone":"Asia/Shanghai","from":"00:30","to":"08:30","discountPercent":"50"}],
           "promotions":[{"name":"launch","from":"2026-06-01T00:00:00+08:00","to":"2026-06-15T00:00:00+08:00","discountPercent":"20"}]}]}
        """;

    private readonly PutPriceBookRequest.Validator _validator = new();

    [Fact]
    public void a_published_version_names_the_key_that_put_it_and_an_unchanged_body_publishes_nothing()
    {
        var request = JsonSerializer.Deserialize<PutPriceBookRequest>(Sample, Web)!;
        var now = Instant.FromUtc(2026, 6, 1, 0, 0);

        var published = PublishPriceBookVersion.Decide(null, "retail-cn", request, now, "k1").ShouldHaveSingleItem()
            .ShouldBeOfType<TokenLedger.Pricing.PriceBooks.PriceBookVersionPublished>();

        (published.PublishedAt, published.ActedBy).ShouldBe((now, "k1"));
        var book = TokenLedger.Pricing.PriceBooks.PriceBook.Create(published);
        PublishPriceBookVersion.Decide(book, "retail-cn", request, now, "k2").ShouldBeEmpty();
    }

    [Fact]
    public void the_documented_body_is_valid_and_maps_to_exact_prices()
    {
        var request = JsonSerializer.Deserialize<PutPriceBookRequest>(Sample, Web)!;
        _validator.Validate(request).IsValid.ShouldBeTrue();

        var version = PutPriceBookRequest.ToVersion("retail-cn", 3, request);

        (version.PriceBookId, version.Version, version.Currency, version.EffectiveFrom).ShouldBe(("retail-cn", 3, "CNY", June1Shanghai));
        version.Aliases.ShouldBe(new Dictionary<string, string> { ["deepseek-chat"] = "deepseek-v4-pro" });
        var price = version.Prices.ShouldHaveSingleItem().Value;
        price.Model.ShouldBe("deepseek-v4-pro");
        price.Base.ShouldBe(Prices(2m, 0.2m, 0m, 8m));
        price.ContextTiers.ShouldBe([new ContextTier(32_000, Prices(4m, 0.4m, 0m, 16m))]);
        price.TimeOfDay.ShouldBe([new TimeOfDayDiscount("Asia/Shanghai", new LocalTime(0, 30), new LocalTime(8, 30), 50m)]);
        price.Promotions.ShouldBe([new Promotion("launch", June1Shanghai, Shanghai(2026, 6, 15, 0, 0), 20m)]);
    }

    [Fact]
    public void cache_write_defaults_to_0_and_a_tier_s_cache_write_to_the_base_one()
    {
        var json = Mutate(Sample, "prices.0.cacheWritePerMillion=<absent>");
        PutPriceBookRequest.ToVersion("b", 1, Read(json)).Prices["deepseek-v4-pro"].Base.CacheWritePerMillion.ShouldBe(0m);

        json = Mutate(Sample, "prices.0.cacheWritePerMillion=\"2.5\"");
        var price = PutPriceBookRequest.ToVersion("b", 1, Read(json)).Prices["deepseek-v4-pro"];
        price.ContextTiers.Single().Prices.CacheWritePerMillion.ShouldBe(2.5m);

        json = Mutate(json, "prices.0.contextTiers.0.cacheWritePerMillion=\"5\"");
        PutPriceBookRequest.ToVersion("b", 1, Read(json)).Prices["deepseek-v4-pro"].ContextTiers.Single().Prices.CacheWritePerMillion.ShouldBe(5m);
    }

    [Fact]
    public void decimals_are_read_from_their_text_exactly()
    {
        var json = Mutate(Sample, "prices.0.inputPerMillion=\"0.123456789012\"", "prices.0.outputPerMillion=\"2.8e-1\"",
            "prices.0.cachedInputPerMillion=\"1.500000000000000\"");

        var price = PutPriceBookRequest.ToVersion("b", 1, Read(json)).Prices["deepseek-v4-pro"];

        price.Base.InputPerMillion.ShouldBe(0.123456789012m);
        price.Base.OutputPerMillion.ShouldBe(0.28m);
        price.Base.CachedInputPerMillion.ShouldBe(1.5m);
    }

    [Theory]
    [InlineData("currency=\"cny\"", "currency", "currency 'cny' must be an ISO 4217 code of three capital letters such as CNY or USD")]
    [InlineData("currency=\"CNY\\n\"", "currency", "currency 'CNY\n' must be an ISO 4217 code of three capital letters such as CNY or USD")]
    [InlineData("currency=<absent>", "currency", "currency is required")]
    [InlineData("effectiveFrom=\"2026-06-01 00:00:00\"", "effectiveFrom",
        "effectiveFrom must be an RFC 3339 instant with Z or an offset, such as 2026-06-01T00:00:00Z or 2026-06-01T08:00:00+08:00, not '2026-06-01 00:00:00'")]
    [InlineData("effectiveFrom=\"2026-06-01T00:00:00\"", "effectiveFrom",
        "effectiveFrom must be an RFC 3339 instant with Z or an offset, such as 2026-06-01T00:00:00Z or 2026-06-01T08:00:00+08:00, not '2026-06-01T00:00:00'")]
    [InlineData("effectiveFrom=\"1999-12-31T00:00:00Z\"", "effectiveFrom", "effectiveFrom must be between the years 2000 and 2999")]
    [InlineData("prices.0.inputPerMillion=\"2,5\"", "prices[0].inputPerMillion",
        "prices[0].inputPerMillion '2,5' is not a decimal number such as 2 or 0.28 (a string, '.' before decimals, no thousands separators or spaces)")]
    [InlineData("prices.0.inputPerMillion=\" 2\"", "prices[0].inputPerMillion",
        "prices[0].inputPerMillion ' 2' is not a decimal number such as 2 or 0.28 (a string, '.' before decimals, no thousands separators or spaces)")]
    [InlineData("prices.0.inputPerMillion=\"1e40\"", "prices[0].inputPerMillion",
        "prices[0].inputPerMillion '1e40' is not a decimal number such as 2 or 0.28 (a string, '.' before decimals, no thousands separators or spaces)")]
    [InlineData("prices.0.inputPerMillion=<absent>", "prices[0].inputPerMillion", "prices[0].inputPerMillion is required")]
    [InlineData("prices.0.outputPerMillion=\"-1\"", "prices[0].outputPerMillion", "prices[0].outputPerMillion must be 0 or more, not -1")]
    [InlineData("prices.0.cachedInputPerMillion=\"0.1234567890123\"", "prices[0].cachedInputPerMillion",
        "prices[0].cachedInputPerMillion '0.1234567890123' has more than 12 decimal places")]
    [InlineData("prices.0.model=\"\"", "prices[0].model", "prices[0].model is required")]
    [InlineData("prices.0.contextTiers.0.aboveInputTokens=0", "prices[0].contextTiers[0].aboveInputTokens",
        "prices[0].contextTiers[0].aboveInputTokens must be greater than 0, not 0")]
    [InlineData("prices.0.contextTiers.0.aboveInputTokens=<absent>", "prices[0].contextTiers[0].aboveInputTokens",
        "prices[0].contextTiers[0].aboveInputTokens is required")]
    [InlineData("prices.0.contextTiers.0.outputPerMillion=<absent>", "prices[0].contextTiers[0].outputPerMillion",
        "prices[0].contextTiers[0].outputPerMillion is required")]
    [InlineData("prices.0.timeOfDay.0.zone=\"Asia/Beijing\"", "prices[0].timeOfDay[0].zone",
        "prices[0].timeOfDay[0].zone 'Asia/Beijing' is not an IANA (TZDB) time zone id such as Asia/Shanghai")]
    [InlineData("prices.0.timeOfDay.0.from=\"8:30\"", "prices[0].timeOfDay[0].from",
        "prices[0].timeOfDay[0].from '8:30' must be a local time HH:mm from 00:00 to 23:59, such as 00:30")]
    [InlineData("prices.0.timeOfDay.0.to=\"24:00\"", "prices[0].timeOfDay[0].to",
        "prices[0].timeOfDay[0].to '24:00' must be a local time HH:mm from 00:00 to 23:59, such as 00:30")]
    [InlineData("prices.0.timeOfDay.0.to=\"08:30:00\"", "prices[0].timeOfDay[0].to",
        "prices[0].timeOfDay[0].to '08:30:00' must be a local time HH:mm from 00:00 to 23:59, such as 00:30")]
    [InlineData("prices.0.timeOfDay.0.discountPercent=\"101\"", "prices[0].timeOfDay[0].discountPercent",
        "prices[0].timeOfDay[0].discountPercent must be between 0 and 100, not 101")]
    [InlineData("prices.0.timeOfDay.0.discountPercent=\"-0.5\"", "prices[0].timeOfDay[0].discountPercent",
        "prices[0].timeOfDay[0].discountPercent must be between 0 and 100, not -0.5")]
    [InlineData("prices.0.promotions.0.to=\"2026-06-01T00:00:00+08:00\"", "prices[0].promotions[0].to",
        "prices[0].promotions[0].from must be before prices[0].promotions[0].to: a promotion runs over [from, to)")]
    [InlineData("prices.0.promotions.0.name=\"\"", "prices[0].promotions[0].name", "prices[0].promotions[0].name is required")]
    [InlineData("prices.0.promotions.0.discountPercent=<absent>", "prices[0].promotions[0].discountPercent",
        "prices[0].promotions[0].discountPercent is required")]
    [InlineData("aliases={\"deepseek-chat\":\"deepseek-v9\"}", "aliases['deepseek-chat']",
        "aliases['deepseek-chat'] points to 'deepseek-v9', which has no price in this price book")]
    [InlineData("aliases={\"deepseek-v4-pro\":\"deepseek-v4-pro\"}", "aliases['deepseek-v4-pro']",
        "aliases['deepseek-v4-pro'] shadows the priced model 'deepseek-v4-pro': an alias must not have the name of a priced model")]
    [InlineData("prices=[]", "prices", "prices must list at least one model")]
    [InlineData("prices=<absent>", "prices", "prices must list at least one model")]
    public void each_problem_is_reported_with_its_path_and_a_precise_message(string mutation, string path, string message)
    {
        ErrorsOf(Mutate(Sample, mutation)).ShouldBe([(path, message)]);
    }

    [Fact]
    public void context_tiers_must_be_strictly_ascending()
    {
        var json = Mutate(Sample, """prices.0.contextTiers=[{"aboveInputTokens":128000,"inputPerMillion":"4","cachedInputPerMillion":"0.4","outputPerMillion":"16"},{"aboveInputTokens":32000,"inputPerMillion":"4","cachedInputPerMillion":"0.4","outputPerMillion":"16"}]""");

        ErrorsOf(json).ShouldBe([("prices[0].contextTiers[1].aboveInputTokens",
            "prices[0].contextTiers[1].aboveInputTokens 32000 must be greater than the previous tier's 128000: tiers must be strictly ascending")]);
    }

    [Fact]
    public void a_model_may_be_priced_only_once()
    {
        var node = JsonNode.Parse(Sample)!;
        node["prices"]!.AsArray().Add(node["prices"]![0]!.DeepClone());

        ErrorsOf(node.ToJsonString()).ShouldBe([("prices[1].model", "prices[1].model 'deepseek-v4-pro' is listed more than once (first at prices[0])")]);
    }

    [Fact]
    public void all_problems_are_reported_at_once()
    {
        var json = Mutate(Sample, "currency=\"yuan\"", "prices.0.inputPerMillion=\"two\"", "prices.0.timeOfDay.0.zone=\"CST\"");

        ErrorsOf(json).Select(e => e.Path).ShouldBe(["currency", "prices[0].inputPerMillion", "prices[0].timeOfDay[0].zone"]);
    }

    [Fact]
    public void a_json_number_instead_of_a_decimal_string_does_not_deserialize()
    {
        Should.Throw<JsonException>(() => Read(Mutate(Sample, "prices.0.inputPerMillion=2")));
    }

    [Fact]
    public void an_invalid_request_is_not_mapped()
    {
        Should.Throw<ArgumentException>(() => PutPriceBookRequest.ToVersion("b", 1, Read(Mutate(Sample, "currency=\"cny\""))))
            .Message.ShouldContain("currency 'cny' must be an ISO 4217 code");
    }

    [Fact]
    public void a_version_written_back_to_the_wire_maps_to_the_same_version()
    {
        var version = PutPriceBookRequest.ToVersion("retail-cn", 3, Read(Sample));

        var wire = JsonSerializer.Serialize(PutPriceBookRequest.FromVersion(version), Web);
        var again = PutPriceBookRequest.ToVersion("retail-cn", 3, Read(wire));

        again.EffectiveFrom.ShouldBe(version.EffectiveFrom);
        again.Aliases.ShouldBe(version.Aliases);
        var (a, b) = (again.Prices["deepseek-v4-pro"], version.Prices["deepseek-v4-pro"]);
        (a.Base, a.ContextTiers.Single(), a.TimeOfDay.Single(), a.Promotions.Single())
            .ShouldBe((b.Base, b.ContextTiers.Single(), b.TimeOfDay.Single(), b.Promotions.Single()));
        wire.ShouldContain("\"effectiveFrom\":\"2026-05-31T16:00:00Z\"");
    }

    internal static PutPriceBookRequest Read(string json) => JsonSerializer.Deserialize<PutPriceBookRequest>(json, Web)!;

    private List<(string Path, string Message)> ErrorsOf(string json) =>
        _validator.Validate(Read(json)).Errors.Select(e => (e.PropertyName, e.ErrorMessage)).ToList();

    /// <summary>Applies "a.0.b=RAW" (RAW is JSON, or &lt;absent&gt; to remove the field) to a JSON document.</summary>
    private static string Mutate(string json, params string[] mutations)
    {
        var root = JsonNode.Parse(json)!;
        foreach (var mutation in mutations)
        {
            var eq = mutation.IndexOf('=');
            var path = mutation[..eq].Split('.');
            var raw = mutation[(eq + 1)..];
            var parent = path[..^1].Aggregate(root, (node, step) => int.TryParse(step, out var i) ? node[i]! : node[step]!);
            var obj = parent.AsObject();
            if (raw == "<absent>") obj.Remove(path[^1]);
            else obj[path[^1]] = JsonNode.Parse(raw);
        }
        return root.ToJsonString();
    }
}
