using TokenLedger.Infrastructure;
using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;
using NodaTime;
using NodaTime.Text;

namespace TokenLedger.Pricing.PuttingPriceBook;

/// <summary>
/// The body of a price-book PUT: one new version of a price book. Prices and percents are decimal STRINGS on the wire
/// (invariant culture, '.' for decimals, no thousands separators), so no JSON number ever passes through a double.
/// Every field is nullable so that <see cref="Validator"/> can report each missing one by name.
/// </summary>
public sealed record PutPriceBookRequest(
    string? Currency,
    string? EffectiveFrom,
    IReadOnlyDictionary<string, string>? Aliases,
    IReadOnlyList<ModelPriceRequest>? Prices,
    IReadOnlyList<VolumeScheduleRequest>? VolumeSchedules = null)
{
    /// <summary>Prices and percents: at most this many decimal places.</summary>
    public const int MaxDecimalPlaces = 12;

    /// <summary>Model names and aliases: at most this many characters (the same limit as a usage event's model).</summary>
    public const int MaxModelLength = 200;

    private const int MinYear = 2000;
    private const int MaxYear = 2999;

    /// <summary>The ledger's one instant reader (<see cref="Infrastructure.Rfc3339"/>).</summary>
    internal static readonly OffsetDateTimePattern Rfc3339 = Infrastructure.Rfc3339.Pattern;

    internal static readonly LocalTimePattern HourMinute = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    /// <summary>Strict decimal text: optional sign, digits, optional '.', optional exponent; no spaces, no group separators.</summary>
    private const NumberStyles DecimalStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    private static readonly Regex CurrencyCode = new(@"^[A-Z]{3}\z", RegexOptions.CultureInvariant);

    /// <summary>
    /// The price book version this request describes. The request must be valid (<see cref="Validator"/>);
    /// an invalid one throws <see cref="ArgumentException"/> listing its problems.
    /// </summary>
    public static PriceBookVersion ToVersion(string priceBookId, int version, PutPriceBookRequest request)
    {
        ArgumentException.ThrowIfNullOrEmpty(priceBookId);
        ArgumentNullException.ThrowIfNull(request);
        var result = new Validator().Validate(request);
        if (!result.IsValid)
            throw new ArgumentException("the price book request is invalid: " + string.Join("; ", result.Errors.Select(e => e.ErrorMessage)), nameof(request));

        var prices = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        foreach (var p in request.Prices!)
        {
            var cacheWrite = p.CacheWritePerMillion is null ? 0m : ParseDecimal(p.CacheWritePerMillion);
            var basePrices = new TokenPrices(
                ParseDecimal(p.InputPerMillion!), ParseDecimal(p.CachedInputPerMillion!), cacheWrite, ParseDecimal(p.OutputPerMillion!));
            var tiers = (p.ContextTiers ?? []).Select(t => new ContextTier(t.AboveInputTokens!.Value, new TokenPrices(
                ParseDecimal(t.InputPerMillion!),
                ParseDecimal(t.CachedInputPerMillion!),
                t.CacheWritePerMillion is null ? cacheWrite : ParseDecimal(t.CacheWritePerMillion),
                ParseDecimal(t.OutputPerMillion!)))).ToArray();
            var windows = (p.TimeOfDay ?? []).Select(w => new TimeOfDayDiscount(
                w.Zone!, HourMinute.Parse(w.From!).Value, HourMinute.Parse(w.To!).Value, ParseDecimal(w.DiscountPercent!))).ToArray();
            var promotions = (p.Promotions ?? []).Select(pr => new Promotion(
                pr.Name!, Rfc3339.Parse(pr.From!).Value.ToInstant(), Rfc3339.Parse(pr.To!).Value.ToInstant(), ParseDecimal(pr.DiscountPercent!))).ToArray();
            prices.Add(p.Model!, new ModelPrice(p.Model!, basePrices, tiers, windows, promotions));
        }
        var aliases = new Dictionary<string, string>(request.Aliases ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var schedules = request.VolumeSchedules is { Count: > 0 } list ? list.Select(v => VolumeScheduleRequest.ToSchedule(v, ParseDecimal)).ToArray() : null;
        return new PriceBookVersion(priceBookId, version, request.Currency!, Rfc3339.Parse(request.EffectiveFrom!).Value.ToInstant(), prices, aliases, schedules);
    }

    /// <summary>
    /// The wire form of a version (the inverse of <see cref="ToVersion"/>): instants in UTC ('Z'), decimals in invariant
    /// text without trailing zeros, every optional price written out, models and aliases in ordinal order and context
    /// tiers ascending, so equal versions give equal text. Windows must start and end on whole minutes.
    /// </summary>
    public static PutPriceBookRequest FromVersion(PriceBookVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new PutPriceBookRequest(
            version.Currency,
            FormatInstant(version.EffectiveFrom),
            version.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
            version.Prices.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ModelPriceRequest(
                p.Key,
                Text(p.Value.Base.InputPerMillion),
                Text(p.Value.Base.CachedInputPerMillion),
                Text(p.Value.Base.CacheWritePerMillion),
                Text(p.Value.Base.OutputPerMillion),
                p.Value.ContextTiers.OrderBy(t => t.AboveInputTokens).Select(t => new ContextTierRequest(
                    t.AboveInputTokens, Text(t.Prices.InputPerMillion), Text(t.Prices.CachedInputPerMillion),
                    Text(t.Prices.CacheWritePerMillion), Text(t.Prices.OutputPerMillion))).ToArray(),
                p.Value.TimeOfDay.Select(w => new TimeOfDayRequest(
                    w.Zone, FormatTime(w.From), FormatTime(w.To), Text(w.DiscountPercent))).ToArray(),
                p.Value.Promotions.Select(pr => new PromotionRequest(
                    pr.Name, FormatInstant(pr.From), FormatInstant(pr.To), Text(pr.DiscountPercent))).ToArray())).ToArray(),
            version.VolumeSchedules is { Count: > 0 } schedules ? schedules.Select(VolumeScheduleRequest.FromSchedule).ToArray() : null);

        static string Text(decimal value) => ExactDecimal.ToInvariantString(value);
        static string FormatInstant(Instant instant) => Rfc3339.Format(instant.WithOffset(Offset.Zero));
        static string FormatTime(LocalTime time) => time.Second == 0 && time.TickOfSecond == 0
            ? HourMinute.Format(time)
            : throw new ArgumentException($"the wire form carries whole minutes only, not {time:HH:mm:ss.FFFFFFFFF}", nameof(version));
    }

    /// <summary>Parses decimal text exactly (invariant culture, no binary floating point); null if it is not a decimal number.</summary>
    public static decimal? TryParseDecimal(string? text) =>
        text is not null && decimal.TryParse(text, DecimalStyle, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static decimal ParseDecimal(string text) => decimal.Parse(text, DecimalStyle, CultureInfo.InvariantCulture);

    /// <summary>Every rule of the wire format, with the JSON path of the offending field in each message.</summary>
    public sealed class Validator : AbstractValidator<PutPriceBookRequest>
    {
        public Validator()
        {
            RuleFor(x => x).Custom((request, context) =>
            {
                var errors = new Errors(context);
                Check(request, errors);
            });
        }

        private static void Check(PutPriceBookRequest request, Errors errors)
        {
            if (request.Currency is null) errors.Add("currency", "currency is required");
            else if (!CurrencyCode.IsMatch(request.Currency))
                errors.Add("currency", $"currency '{request.Currency}' must be an ISO 4217 code of three capital letters such as CNY or USD");

            Timestamp(request.EffectiveFrom, "effectiveFrom", errors);

            var models = new Dictionary<string, int>(StringComparer.Ordinal);
            if (request.Prices is null || request.Prices.Count == 0)
                errors.Add("prices", "prices must list at least one model");
            else
                for (var i = 0; i < request.Prices.Count; i++)
                    ModelPrice(request.Prices[i], i, models, errors);

            // Alias targets are checked only against a complete list of models, so that one bad model is reported once.
            var modelsComplete = request.Prices is { Count: > 0 } && models.Count == request.Prices.Count;
            foreach (var (alias, target) in request.Aliases ?? new Dictionary<string, string>())
            {
                var path = $"aliases['{alias}']";
                if (!ModelName(alias, path, "an alias", errors)) continue;
                if (models.ContainsKey(alias))
                    errors.Add(path, $"{path} shadows the priced model '{alias}': an alias must not have the name of a priced model");
                else if (string.IsNullOrEmpty(target))
                    errors.Add(path, $"{path} must name the priced model it stands for");
                else if (modelsComplete && !models.ContainsKey(target))
                    errors.Add(path, $"{path} points to '{target}', which has no price in this price book");
            }

            VolumeScheduleRequest.Check(request.VolumeSchedules, models.Keys.ToHashSet(StringComparer.Ordinal),
                request.Aliases ?? new Dictionary<string, string>(), errors.Add, (text, path) => Percent(text, path, errors));
        }

        private static void ModelPrice(ModelPriceRequest? price, int index, Dictionary<string, int> models, Errors errors)
        {
            var path = $"prices[{index}]";
            if (price is null)
            {
                errors.Add(path, $"{path} must be a model's prices, not null");
                return;
            }
            if (ModelName(price.Model, path + ".model", "model", errors))
            {
                if (models.TryGetValue(price.Model!, out var first))
                    errors.Add(path + ".model", $"{path}.model '{price.Model}' is listed more than once (first at prices[{first}])");
                else
                    models.Add(price.Model!, index);
            }
            Amount(price.InputPerMillion, path + ".inputPerMillion", required: true, errors);
            Amount(price.CachedInputPerMillion, path + ".cachedInputPerMillion", required: true, errors);
            Amount(price.CacheWritePerMillion, path + ".cacheWritePerMillion", required: false, errors);
            Amount(price.OutputPerMillion, path + ".outputPerMillion", required: true, errors);

            long? previous = null;
            for (var i = 0; i < (price.ContextTiers?.Count ?? 0); i++)
            {
                var tier = price.ContextTiers![i];
                var tierPath = $"{path}.contextTiers[{i}]";
                if (tier is null)
                {
                    errors.Add(tierPath, $"{tierPath} must be a context tier, not null");
                    continue;
                }
                var above = tier.AboveInputTokens;
                if (above is null) errors.Add(tierPath + ".aboveInputTokens", $"{tierPath}.aboveInputTokens is required");
                else if (above <= 0) errors.Add(tierPath + ".aboveInputTokens", Invariant($"{tierPath}.aboveInputTokens must be greater than 0, not {above}"));
                else if (previous is not null && above <= previous)
                    errors.Add(tierPath + ".aboveInputTokens", Invariant(
                        $"{tierPath}.aboveInputTokens {above} must be greater than the previous tier's {previous}: tiers must be strictly ascending"));
                if (above is > 0) previous = previous is null ? above : Math.Max(previous.Value, above.Value);
                Amount(tier.InputPerMillion, tierPath + ".inputPerMillion", required: true, errors);
                Amount(tier.CachedInputPerMillion, tierPath + ".cachedInputPerMillion", required: true, errors);
                Amount(tier.CacheWritePerMillion, tierPath + ".cacheWritePerMillion", required: false, errors);
                Amount(tier.OutputPerMillion, tierPath + ".outputPerMillion", required: true, errors);
            }

            for (var i = 0; i < (price.TimeOfDay?.Count ?? 0); i++)
            {
                var window = price.TimeOfDay![i];
                var windowPath = $"{path}.timeOfDay[{i}]";
                if (window is null)
                {
                    errors.Add(windowPath, $"{windowPath} must be a time-of-day discount, not null");
                    continue;
                }
                if (window.Zone is null) errors.Add(windowPath + ".zone", $"{windowPath}.zone is required");
                else if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(window.Zone) is null)
                    errors.Add(windowPath + ".zone", $"{windowPath}.zone '{window.Zone}' is not an IANA (TZDB) time zone id such as Asia/Shanghai");
                LocalTimeOfDay(window.From, windowPath + ".from", errors);
                LocalTimeOfDay(window.To, windowPath + ".to", errors);
                Percent(window.DiscountPercent, windowPath + ".discountPercent", errors);
            }

            for (var i = 0; i < (price.Promotions?.Count ?? 0); i++)
            {
                var promotion = price.Promotions![i];
                var promotionPath = $"{path}.promotions[{i}]";
                if (promotion is null)
                {
                    errors.Add(promotionPath, $"{promotionPath} must be a promotion, not null");
                    continue;
                }
                if (string.IsNullOrWhiteSpace(promotion.Name)) errors.Add(promotionPath + ".name", $"{promotionPath}.name is required");
                else if (promotion.Name.Length > MaxModelLength || promotion.Name.Any(char.IsControl))
                    errors.Add(promotionPath + ".name", $"{promotionPath}.name must be at most {MaxModelLength} characters without control characters");
                var from = Timestamp(promotion.From, promotionPath + ".from", errors);
                var to = Timestamp(promotion.To, promotionPath + ".to", errors);
                if (from is not null && to is not null && from >= to)
                    errors.Add(promotionPath + ".to", $"{promotionPath}.from must be before {promotionPath}.to: a promotion runs over [from, to)");
                Percent(promotion.DiscountPercent, promotionPath + ".discountPercent", errors);
            }
        }

        private static bool ModelName(string? name, string path, string what, Errors errors)
        {
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(path, what == "model" ? $"{path} is required" : "aliases must not have an empty name");
                return false;
            }
            if (name.Length > MaxModelLength)
            {
                errors.Add(path, $"{path} must be at most {MaxModelLength} characters");
                return false;
            }
            if (name.Any(char.IsControl) || name.Trim().Length != name.Length)
            {
                errors.Add(path, $"{path} must not contain control characters or start or end with white space");
                return false;
            }
            return true;
        }

        private static void Amount(string? text, string path, bool required, Errors errors)
        {
            if (text is null)
            {
                if (required) errors.Add(path, $"{path} is required");
                return;
            }
            var value = Decimal(text, path, errors);
            if (value < 0) errors.Add(path, $"{path} must be 0 or more, not {text}");
            else if (value > Bounds.MaxPricePerMillion) errors.Add(path, $"{path} must be at most {Bounds.Text(Bounds.MaxPricePerMillion)}, not {text}");
        }

        private static void Percent(string? text, string path, Errors errors)
        {
            if (text is null)
            {
                errors.Add(path, $"{path} is required");
                return;
            }
            var value = Decimal(text, path, errors);
            if (value is < 0 or > 100) errors.Add(path, $"{path} must be between 0 and 100, not {text}");
        }

        private static decimal? Decimal(string text, string path, Errors errors)
        {
            var value = TryParseDecimal(text);
            if (value is null)
            {
                errors.Add(path, $"{path} '{text}' is not a decimal number such as 2 or 0.28 (a string, '.' before decimals, no thousands separators or spaces)");
                return null;
            }
            if (ExactDecimal.SignificantDecimalPlaces(value.Value) > MaxDecimalPlaces)
            {
                errors.Add(path, $"{path} '{text}' has more than {MaxDecimalPlaces} decimal places");
                return null;
            }
            return value;
        }

        private static Instant? Timestamp(string? text, string path, Errors errors)
        {
            if (text is null)
            {
                errors.Add(path, $"{path} is required");
                return null;
            }
            var parsed = Rfc3339.Parse(text);
            if (!parsed.Success)
            {
                errors.Add(path, $"{Infrastructure.Rfc3339.Rule(path)}, not '{text}'");
                return null;
            }
            if (parsed.Value.Year is < MinYear or > MaxYear)
            {
                errors.Add(path, $"{path} must be between the years {MinYear} and {MaxYear}");
                return null;
            }
            return parsed.Value.ToInstant();
        }

        private static void LocalTimeOfDay(string? text, string path, Errors errors)
        {
            if (text is null) errors.Add(path, $"{path} is required");
            else if (!HourMinute.Parse(text).Success)
                errors.Add(path, $"{path} '{text}' must be a local time HH:mm from 00:00 to 23:59, such as 00:30");
        }

        private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

        private sealed class Errors(ValidationContext<PutPriceBookRequest> context)
        {
            public void Add(string path, string message) => context.AddFailure(new ValidationFailure(path, message));
        }
    }
}

/// <summary>A model's prices per million tokens; cacheWritePerMillion defaults to "0".</summary>
public sealed record ModelPriceRequest(
    string? Model,
    string? InputPerMillion,
    string? CachedInputPerMillion,
    string? CacheWritePerMillion,
    string? OutputPerMillion,
    IReadOnlyList<ContextTierRequest>? ContextTiers,
    IReadOnlyList<TimeOfDayRequest>? TimeOfDay,
    IReadOnlyList<PromotionRequest>? Promotions);

/// <summary>Prices for a whole request whose total input is strictly above aboveInputTokens; cacheWritePerMillion defaults to the base one.</summary>
public sealed record ContextTierRequest(
    long? AboveInputTokens,
    string? InputPerMillion,
    string? CachedInputPerMillion,
    string? CacheWritePerMillion,
    string? OutputPerMillion);

/// <summary>An off-peak discount over local times [from, to) ("HH:mm") in an IANA zone; from &gt; to crosses midnight, from == to is all day.</summary>
public sealed record TimeOfDayRequest(string? Zone, string? From, string? To, string? DiscountPercent);

/// <summary>A limited-time discount over [from, to) (RFC 3339 timestamps with offsets).</summary>
public sealed record PromotionRequest(string? Name, string? From, string? To, string? DiscountPercent);
