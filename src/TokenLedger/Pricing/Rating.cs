using System.Collections.Concurrent;
using System.Globalization;
using NodaTime;

namespace TokenLedger.Pricing;

/// <summary>
/// The rating engine: prices one request at one price book version. Pure: no clock, no I/O, no floating point; the same
/// inputs always give an equal <see cref="Charge"/>. Amounts are unrounded (see <see cref="InvoiceRounding"/>).
/// </summary>
/// <remarks>
/// Rules, in order:
/// <list type="number">
/// <item>the model is resolved through <see cref="PriceBookVersion.Aliases"/> (alias → canonical) and looked up in
/// <see cref="PriceBookVersion.Prices"/>; both lookups are exact and case-sensitive;</item>
/// <item>the context tier is the one with the highest <see cref="ContextTier.AboveInputTokens"/> strictly below
/// <see cref="TokenCounts.TotalInput"/>; its prices replace the base prices for the whole request (all four classes);</item>
/// <item>per class: tokens × price per million / 1,000,000, exact;</item>
/// <item>the largest matching time-of-day discount and the largest active promotion compound:
/// factor = (1 − timeOfDay/100) × (1 − promotion/100), and every class amount is multiplied by the factor.</item>
/// </list>
/// Anything that would make a charge wrong (negative tokens or prices, a discount outside 0..100, an unknown zone,
/// an overflow) gives <see cref="Unrated"/> with the reason, never an exception and never a negative charge.
/// </remarks>
public static class Rating
{
    private const int PerMillionDigits = 6;

    private static readonly ConcurrentDictionary<string, DateTimeZone?> Zones = new(StringComparer.Ordinal);

    public static RatingOutcome Rate(PriceBookVersion version, string model, TokenCounts tokens, Instant occurredAt)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);

        if (tokens.Input < 0 || tokens.CachedInput < 0 || tokens.CacheWrite < 0 || tokens.Output < 0)
            return new Unrated(string.Create(CultureInfo.InvariantCulture,
                $"token counts must not be negative (input {tokens.Input}, cached input {tokens.CachedInput}, cache write {tokens.CacheWrite}, output {tokens.Output})"));

        var canonical = version.Aliases.TryGetValue(model, out var target) && target is not null ? target : model;
        if (!version.Prices.TryGetValue(canonical, out var price))
            return new Unrated(canonical == model
                ? $"model '{model}' has no price in {Describe(version)}"
                : $"model '{model}' (an alias of '{canonical}') has no price in {Describe(version)}");

        try
        {
            return RatePriced(version, canonical, price, tokens, occurredAt);
        }
        catch (OverflowException)
        {
            return new Unrated($"the charge for model '{canonical}' in {Describe(version)} is too large to compute ({tokens})");
        }
    }

    /// <summary>Rates one usage event at the wholesale and at the retail price book, each at the version in force when it occurred.</summary>
    public static WholesaleAndRetail RateWholesaleAndRetail(
        PriceBookHistory wholesale, PriceBookHistory retail, string model, TokenCounts tokens, Instant occurredAt) =>
        new(wholesale.Rate(model, tokens, occurredAt), retail.Rate(model, tokens, occurredAt));

    private static RatingOutcome RatePriced(PriceBookVersion version, string model, ModelPrice price, TokenCounts tokens, Instant occurredAt)
    {
        var totalInput = checked(tokens.Input + tokens.CachedInput + tokens.CacheWrite);

        // The tier with the highest threshold strictly below the total input; its index is its rank in ascending order.
        var prices = price.Base;
        var tiers = price.ContextTiers;
        var chosen = -1;
        for (var i = 0; i < tiers.Count; i++)
        {
            var above = tiers[i].AboveInputTokens;
            if (above < totalInput && (chosen < 0 || above > tiers[chosen].AboveInputTokens)) chosen = i;
        }
        var tierIndex = 0;
        if (chosen >= 0)
        {
            prices = tiers[chosen].Prices;
            var threshold = tiers[chosen].AboveInputTokens;
            tierIndex = 1;
            for (var i = 0; i < tiers.Count; i++)
                if (tiers[i].AboveInputTokens < threshold) tierIndex++;
        }

        if (prices.InputPerMillion < 0 || prices.CachedInputPerMillion < 0 || prices.CacheWritePerMillion < 0 || prices.OutputPerMillion < 0)
            return new Unrated($"model '{model}' has a negative price in {Describe(version)}");

        var timeOfDay = 0m;
        var windows = price.TimeOfDay;
        for (var i = 0; i < windows.Count; i++)
        {
            var window = windows[i];
            if (window.DiscountPercent is < 0 or > 100)
                return new Unrated(BadPercent(version, model, "time-of-day", window.DiscountPercent));
            var zone = ZoneOrNull(window.Zone);
            if (zone is null)
                return new Unrated($"model '{model}' in {Describe(version)} has a time-of-day discount in '{window.Zone}', which is not a TZDB time zone");
            if (window.DiscountPercent > timeOfDay && Contains(window, occurredAt.InZone(zone).TimeOfDay))
                timeOfDay = window.DiscountPercent;
        }

        var promotion = 0m;
        var promotions = price.Promotions;
        for (var i = 0; i < promotions.Count; i++)
        {
            var promo = promotions[i];
            if (promo.DiscountPercent is < 0 or > 100)
                return new Unrated(BadPercent(version, model, $"promotion '{promo.Name}'", promo.DiscountPercent));
            if (promo.DiscountPercent > promotion && promo.From <= occurredAt && occurredAt < promo.To)
                promotion = promo.DiscountPercent;
        }

        var input = PerMillion(tokens.Input, prices.InputPerMillion);
        var cachedInput = PerMillion(tokens.CachedInput, prices.CachedInputPerMillion);
        var cacheWrite = PerMillion(tokens.CacheWrite, prices.CacheWritePerMillion);
        var output = PerMillion(tokens.Output, prices.OutputPerMillion);
        var discountPercent = 0m;
        if (timeOfDay != 0m || promotion != 0m)
        {
            // (1 − a/100)(1 − b/100) = (100 − a)(100 − b) / 10,000: an exact product, then an exact shift by 4 digits.
            var factor = ExactDecimal.DivideByPowerOfTen((100m - timeOfDay) * (100m - promotion), 4);
            discountPercent = ExactDecimal.MultiplyByPowerOfTen(1m - factor, 2);
            input *= factor;
            cachedInput *= factor;
            cacheWrite *= factor;
            output *= factor;
        }

        return new Rated(new Charge(
            version.PriceBookId, version.Version, version.Currency, model, tierIndex, discountPercent,
            input, cachedInput, cacheWrite, output));
    }

    /// <summary>Local time in [From, To); From &gt; To crosses midnight; From == To is the whole day.</summary>
    internal static bool Contains(TimeOfDayDiscount window, LocalTime time) =>
        window.From == window.To
        || (window.From < window.To
            ? window.From <= time && time < window.To
            : time >= window.From || time < window.To);

    internal static DateTimeZone? ZoneOrNull(string zoneId) =>
        Zones.TryGetValue(zoneId, out var zone) ? zone : Zones.GetOrAdd(zoneId, id => DateTimeZoneProviders.Tzdb.GetZoneOrNull(id));

    private static decimal PerMillion(long tokens, decimal pricePerMillion) =>
        tokens == 0 || pricePerMillion == 0m ? 0m : ExactDecimal.DivideByPowerOfTen(tokens * pricePerMillion, PerMillionDigits);

    internal static string Describe(PriceBookVersion version) =>
        string.Create(CultureInfo.InvariantCulture, $"price book '{version.PriceBookId}' version {version.Version}");

    private static string BadPercent(PriceBookVersion version, string model, string what, decimal percent) =>
        string.Create(CultureInfo.InvariantCulture,
            $"model '{model}' in {Describe(version)} has a {what} discount of {percent}%, outside 0..100");
}
