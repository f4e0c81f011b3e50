using NodaTime;

namespace TokenLedger.Pricing;

/// <summary>How a volume schedule discounts once a tier is reached.</summary>
public static class VolumeModes
{
    /// <summary>Tokens in each band (T1, T2], (T2, T3], … get that band's discount: only the tokens above a threshold.</summary>
    public const string Graduated = "graduated";

    /// <summary>All-units: the tier the period's total reached discounts every token of the period.</summary>
    public const string Volume = "volume";

    public static readonly string[] All = [Graduated, Volume];
}

/// <summary>Tier n of a schedule: above <see cref="AboveTokens"/> counted tokens in the billing period, <see cref="DiscountPercent"/> off.</summary>
public sealed record VolumeScheduleTier(long AboveTokens, decimal DiscountPercent);

/// <summary>
/// A volume schedule of a price book version: the tokens of <see cref="Classes"/> of the <see cref="Models"/> (one model,
/// or a group that counts together) are accumulated over the billing period, and the tiers reached discount the
/// amounts of those classes, <see cref="VolumeModes.Graduated"/> or <see cref="VolumeModes.Volume"/>. Tiers ascend strictly.
/// </summary>
public sealed record ModelVolumeSchedule(
    string Name, IReadOnlyList<string> Models, string Mode, IReadOnlyList<TokenClass> Classes, IReadOnlyList<VolumeScheduleTier> Tiers);

/// <summary>What one usage event's charge got off in a settled tier (positive, unrounded).</summary>
public sealed record EventVolumeDiscount(string EventId, Instant OccurredAt, string Model, decimal Discount);

/// <summary>
/// One tier of one schedule that the period reached: tier number <see cref="Tier"/> (1-based, ascending), the period's
/// counted tokens, the tokens it discounted (the band's for graduated, all of them for volume), and the discount, a
/// positive unrounded amount to subtract, as the sum of <see cref="Events"/> (ordered by occurredAt, then event id).
/// </summary>
public sealed record VolumeTierDiscount(
    string PriceBookId, ModelVolumeSchedule Schedule, int Tier, VolumeScheduleTier Reached, long PeriodTokens, long TokensDiscounted,
    decimal Discount, IReadOnlyList<EventVolumeDiscount> Events);
