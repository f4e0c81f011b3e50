using NodaTime;

namespace TokenLedger.Pricing;

/// <summary>The token classes a request is billed in. Input is uncached (cache miss).</summary>
public enum TokenClass { Input, CachedInput, CacheWrite, Output }

/// <summary>Token counts of one request, per class.</summary>
public sealed record TokenCounts(long Input, long CachedInput, long CacheWrite, long Output)
{
    /// <summary>The request's whole prompt: what context-length tiers are chosen by.</summary>
    public long TotalInput => Input + CachedInput + CacheWrite;
    public long Total => TotalInput + Output;
}

/// <summary>Prices per million tokens, exact decimals, in the price book's currency.</summary>
public sealed record TokenPrices(decimal InputPerMillion, decimal CachedInputPerMillion, decimal CacheWritePerMillion, decimal OutputPerMillion);

/// <summary>Applies to a whole request whose total input is strictly above <see cref="AboveInputTokens"/>.</summary>
public sealed record ContextTier(long AboveInputTokens, TokenPrices Prices);

/// <summary>An off-peak discount over local times [From, To) in the provider's zone; From &gt; To crosses midnight.</summary>
public sealed record TimeOfDayDiscount(string Zone, LocalTime From, LocalTime To, decimal DiscountPercent);

/// <summary>A limited-time discount over the half-open interval [From, To) of occurredAt.</summary>
public sealed record Promotion(string Name, Instant From, Instant To, decimal DiscountPercent);

public sealed record ModelPrice(
    string Model,
    TokenPrices Base,
    IReadOnlyList<ContextTier> ContextTiers,
    IReadOnlyList<TimeOfDayDiscount> TimeOfDay,
    IReadOnlyList<Promotion> Promotions);

/// <summary>One effective-dated version of a price book: in force for events that occurred at or after <see cref="EffectiveFrom"/>
/// until the next version's EffectiveFrom. <see cref="VolumeSchedules"/> are settled over each billing period at its close
/// (see <see cref="ScheduleSettlement"/>); null or empty: no volume discounts.</summary>
public sealed record PriceBookVersion(
    string PriceBookId,
    int Version,
    string Currency,
    Instant EffectiveFrom,
    IReadOnlyDictionary<string, ModelPrice> Prices,
    IReadOnlyDictionary<string, string> Aliases,
    IReadOnlyList<ModelVolumeSchedule>? VolumeSchedules = null);

/// <summary>The priced result of one request at one price book version; amounts are unrounded.</summary>
public sealed record Charge(
    string PriceBookId,
    int Version,
    string Currency,
    string Model,
    int ContextTier,
    decimal DiscountPercent,
    decimal Input,
    decimal CachedInput,
    decimal CacheWrite,
    decimal Output)
{
    public decimal Amount => Input + CachedInput + CacheWrite + Output;
}
