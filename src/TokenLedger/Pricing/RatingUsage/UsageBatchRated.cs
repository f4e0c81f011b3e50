using NodaTime;

namespace TokenLedger.Pricing.RatingUsage;

/// <summary>One side of a usage event's rating: the charge, or why it could not be rated yet.</summary>
public sealed record SideRating(Charge? Charge, string? UnratedReason)
{
    public static SideRating Of(Charge charge) => new(charge, null);
    public static SideRating Unrated(string reason) => new(null, reason);
    public bool IsRated => Charge is not null;
}

/// <summary>
/// Retail (what the tenant owes) and wholesale (what the payer owes its seller) for one usage event; for a payer that is
/// a sub-distributor, <paramref name="Hops"/> prices every distributor above it (top first).
/// </summary>
public sealed record UsageRating(string EventId, string Payer, SideRating Retail, SideRating Wholesale,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<HopCharge>? Hops = null);

/// <summary>
/// The usage of a batch was rated with the price book versions in force when each event occurred. Appended in the
/// same transaction as the usage (at recording time), or later for usage that could not be rated then; a side once
/// rated is never rated again by this event.
/// </summary>
public sealed record UsageBatchRated(string BatchId, Instant RatedAt, IReadOnlyList<UsageRating> Ratings);
