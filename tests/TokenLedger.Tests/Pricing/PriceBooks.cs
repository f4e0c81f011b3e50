using NodaTime;
using TokenLedger.Pricing;

namespace TokenLedger.Tests.Pricing;

/// <summary>Small builders for price books used by the pricing tests.</summary>
internal static class PriceBooks
{
    public static readonly Instant June1Shanghai = Instant.FromUtc(2026, 5, 31, 16, 0);

    public static TokenPrices Prices(decimal input, decimal cachedInput, decimal cacheWrite, decimal output) =>
        new(input, cachedInput, cacheWrite, output);

    public static ModelPrice Model(
        string name,
        TokenPrices prices,
        IReadOnlyList<ContextTier>? tiers = null,
        IReadOnlyList<TimeOfDayDiscount>? timeOfDay = null,
        IReadOnlyList<Promotion>? promotions = null) =>
        new(name, prices, tiers ?? [], timeOfDay ?? [], promotions ?? []);

    public static PriceBookVersion Version(
        int version,
        Instant effectiveFrom,
        IEnumerable<ModelPrice> models,
        IReadOnlyDictionary<string, string>? aliases = null,
        string priceBookId = "retail-cn",
        string currency = "CNY") =>
        new(priceBookId, version, currency, effectiveFrom,
            models.ToDictionary(m => m.Model, StringComparer.Ordinal),
            aliases ?? new Dictionary<string, string>(StringComparer.Ordinal));

    public static PriceBookVersion Version(params ModelPrice[] models) => Version(1, June1Shanghai, models);

    public static TokenCounts Tokens(long input = 0, long cachedInput = 0, long cacheWrite = 0, long output = 0) =>
        new(input, cachedInput, cacheWrite, output);

    public static Instant Shanghai(int year, int month, int day, int hour, int minute, int second = 0) =>
        new LocalDateTime(year, month, day, hour, minute, second).InZoneStrictly(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToInstant();

    public static Charge ShouldBeRated(this RatingOutcome outcome) => outcome switch
    {
        Rated rated => rated.Charge,
        Unrated unrated => throw new Shouldly.ShouldAssertException($"expected a charge, but the request was unrated: {unrated.Reason}"),
        _ => throw new InvalidOperationException(),
    };

    public static string ShouldBeUnrated(this RatingOutcome outcome) => outcome switch
    {
        Unrated unrated => unrated.Reason,
        Rated rated => throw new Shouldly.ShouldAssertException($"expected unrated, but it was rated: {rated.Charge}"),
        _ => throw new InvalidOperationException(),
    };
}
