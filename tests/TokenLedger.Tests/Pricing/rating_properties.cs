using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using TokenLedger.Pricing;
using TokenLedger.Pricing.PuttingPriceBook;

namespace TokenLedger.Tests.Pricing;

/// <summary>Properties of <see cref="Rating.Rate"/> that hold for any price book and any usage.</summary>
public class rating_properties
{
    [Property(Arbitrary = [typeof(PricingArbitraries)], MaxTest = 500)]
    public bool rating_is_additive_across_any_split_of_a_request_within_one_context_tier_and_discount_window(SplitUsage split)
    {
        var version = PricingArbitraries.VersionOf(split.Model);
        var whole = Rating.Rate(version, split.Model.Model, Sum(split.First, split.Second), split.At);
        var first = Rating.Rate(version, split.Model.Model, split.First, split.At);
        var second = Rating.Rate(version, split.Model.Model, split.Second, split.At);

        return whole is Rated { Charge: var w } && first is Rated { Charge: var a } && second is Rated { Charge: var b }
            && w.ContextTier == a.ContextTier && w.ContextTier == b.ContextTier
            && w.DiscountPercent == a.DiscountPercent && w.DiscountPercent == b.DiscountPercent
            && w.Input == a.Input + b.Input
            && w.CachedInput == a.CachedInput + b.CachedInput
            && w.CacheWrite == a.CacheWrite + b.CacheWrite
            && w.Output == a.Output + b.Output
            && w.Amount == a.Amount + b.Amount;
    }

    [Property(Arbitrary = [typeof(PricingArbitraries)], MaxTest = 500)]
    public bool no_charge_is_ever_negative_whatever_the_price_book_and_usage(AnyUsage usage)
    {
        var outcome = Rating.Rate(PricingArbitraries.VersionOf(usage.Model), usage.Model.Model, usage.Tokens, usage.At);

        return outcome switch
        {
            Rated { Charge: var c } => c.Input >= 0 && c.CachedInput >= 0 && c.CacheWrite >= 0 && c.Output >= 0 && c.Amount >= 0
                                       && c.DiscountPercent is >= 0 and <= 100,
            Unrated { Reason: var reason } => reason.Length > 0,
            _ => false,
        };
    }

    [Property(Arbitrary = [typeof(PricingArbitraries)], MaxTest = 200)]
    public bool rating_is_reproducible_including_from_a_version_rebuilt_from_its_wire_request(BookUsage usage)
    {
        var first = Rating.Rate(usage.Version, usage.Model, usage.Tokens, usage.At);
        var again = Rating.Rate(usage.Version, usage.Model, usage.Tokens, usage.At);

        var wire = JsonSerializer.Serialize(PutPriceBookRequest.FromVersion(usage.Version), putting_a_price_book.Web);
        var rebuilt = PutPriceBookRequest.ToVersion(usage.Version.PriceBookId, usage.Version.Version, putting_a_price_book.Read(wire));
        var fromWire = Rating.Rate(rebuilt, usage.Model, usage.Tokens, usage.At);

        return first.Equals(again) && first.Equals(fromWire);
    }

    private static TokenCounts Sum(TokenCounts a, TokenCounts b) =>
        new(a.Input + b.Input, a.CachedInput + b.CachedInput, a.CacheWrite + b.CacheWrite, a.Output + b.Output);
}

/// <summary>Two requests for the same model at the same instant whose sum stays in their context tier.</summary>
public sealed record SplitUsage(ModelPrice Model, TokenCounts First, TokenCounts Second, Instant At);

/// <summary>Any request, including invalid price books (negative prices, percents outside 0..100) and negative tokens.</summary>
public sealed record AnyUsage(ModelPrice Model, TokenCounts Tokens, Instant At);

/// <summary>A valid price book version and a request for one of its models, aliases or an unpriced model.</summary>
public sealed record BookUsage(PriceBookVersion Version, string Model, TokenCounts Tokens, Instant At);

public static class PricingArbitraries
{
    private static readonly Instant Start = Instant.FromUtc(2026, 1, 1, 0, 0);
    private static readonly string[] Zones = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "UTC"];
    private static readonly long[] Thresholds = [32_000, 128_000];

    public static Arbitrary<SplitUsage> SplitUsages() => Arb.From(
        from model in ModelPrice(ValidPrice, ValidPercent)
        from band in Gen.Choose(0, 2)
        from first in TokensInBand(band)
        from second in TokensInBand(band)
        from at in AnyInstant
        select new SplitUsage(model, first, second, at));

    public static Arbitrary<AnyUsage> AnyUsages() => Arb.From(
        from model in ModelPrice(
            Gen.Frequency((9, ValidPrice), (1, Gen.Choose(1, 1_000_000).Select(n => new decimal(n, 0, 0, true, 6)))),
            Gen.Frequency((9, ValidPercent), (1, Gen.Choose(-1000, 2000).Select(n => new decimal(Math.Abs(n), 0, 0, n < 0, 1)))))
        from input in AnyCount
        from cached in AnyCount
        from write in AnyCount
        from output in AnyCount
        from at in AnyInstant
        select new AnyUsage(model, new TokenCounts(input, cached, write, output), at));

    public static Arbitrary<BookUsage> BookUsages() => Arb.From(
        from models in Gen.Choose(1, 3).SelectMany(n => Gen.CollectToList(Enumerable.Range(0, n).Select(i => ModelPrice(ValidPrice, ValidPercent, $"model-{i}"))))
        from aliased in Gen.Elements(models.Select(m => m.Model).ToArray())
        from effectiveFrom in AnyInstant
        from version in Gen.Choose(1, 50)
        from asked in Gen.Elements(models.Select(m => m.Model).Append("alias").Append("unpriced").ToArray())
        from band in Gen.Choose(0, 2)
        from tokens in TokensInBand(band)
        from at in AnyInstant
        select new BookUsage(
            new PriceBookVersion("retail-cn", version, "CNY", effectiveFrom,
                models.ToDictionary(m => m.Model, StringComparer.Ordinal), new Dictionary<string, string> { ["alias"] = aliased }),
            asked, tokens, at));

    public static PriceBookVersion VersionOf(ModelPrice model) => new(
        "retail-cn", 1, "CNY", Start, new Dictionary<string, ModelPrice> { [model.Model] = model }, new Dictionary<string, string>());

    /// <summary>0 to 50 per million with up to 6 decimal places, built from integers (no floating point).</summary>
    private static Gen<decimal> ValidPrice =>
        Gen.Frequency((1, Gen.Constant(0m)), (9, Gen.Choose(0, 50_000_000).Select(n => new decimal(n, 0, 0, false, 6))));

    /// <summary>0 to 100 in steps of 0.1, often exactly 0.</summary>
    private static Gen<decimal> ValidPercent =>
        Gen.Frequency((1, Gen.Constant(0m)), (3, Gen.Choose(0, 1000).Select(n => new decimal(n, 0, 0, false, 1))));

    private static Gen<long> AnyCount =>
        Gen.Frequency((8, Gen.Choose(0, 2_000_000).Select(n => (long)n)), (1, Gen.Choose(-1000, -1).Select(n => (long)n)), (1, Gen.Constant(0L)));

    private static Gen<Instant> AnyInstant =>
        Gen.Choose(0, 366 * 24 * 60).SelectMany(minutes => Gen.Choose(0, 59).Select(seconds =>
            Start + Duration.FromMinutes(minutes) + Duration.FromSeconds(seconds)));

    /// <summary>Counts whose total input lies in a band such that two of them still lie in it together.</summary>
    private static Gen<TokenCounts> TokensInBand(int band)
    {
        var (lo, hi) = band switch
        {
            0 => (0, 16_000),        // two of them total at most 32,000: base prices
            1 => (32_001, 64_000),   // two of them total at most 128,000: tier 1
            _ => (128_001, 5_000_000),
        };
        return from total in Gen.Choose(lo, hi)
               from cached in Gen.Choose(0, total)
               from write in Gen.Choose(0, total - cached)
               from output in Gen.Choose(0, 3_000_000)
               select new TokenCounts(total - cached - write, cached, write, output);
    }

    private static Gen<ModelPrice> ModelPrice(Gen<decimal> price, Gen<decimal> percent, string name = "m") =>
        from basePrices in Prices(price)
        from tier1 in Prices(price)
        from tier2 in Prices(price)
        from windows in Gen.Choose(0, 2).SelectMany(n => Gen.CollectToList(Enumerable.Range(0, n).Select(_ => Window(percent))))
        from promotions in Gen.Choose(0, 2).SelectMany(n => Gen.CollectToList(Enumerable.Range(0, n).Select(i => Promotion(percent, $"promo-{i}"))))
        select new ModelPrice(name, basePrices,
            [new ContextTier(Thresholds[0], tier1), new ContextTier(Thresholds[1], tier2)], windows.ToArray(), promotions.ToArray());

    private static Gen<TokenPrices> Prices(Gen<decimal> price) =>
        from input in price
        from cached in price
        from write in price
        from output in price
        select new TokenPrices(input, cached, write, output);

    private static Gen<TimeOfDayDiscount> Window(Gen<decimal> percent) =>
        from zone in Gen.Elements(Zones)
        from start in Gen.Choose(0, 24 * 60 - 1)
        from end in Gen.Choose(0, 24 * 60 - 1)
        from p in percent
        select new TimeOfDayDiscount(zone, LocalTime.FromMinutesSinceMidnight(start), LocalTime.FromMinutesSinceMidnight(end), p);

    private static Gen<Promotion> Promotion(Gen<decimal> percent, string name) =>
        from startMinutes in Gen.Choose(0, 366 * 24 * 60)
        from lengthMinutes in Gen.Choose(1, 60 * 24 * 60)
        from p in percent
        select new Promotion(name, Start + Duration.FromMinutes(startMinutes), Start + Duration.FromMinutes(startMinutes + lengthMinutes), p);
}
