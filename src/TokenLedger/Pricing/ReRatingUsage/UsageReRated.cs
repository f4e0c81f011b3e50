using NodaTime;

namespace TokenLedger.Pricing.ReRatingUsage;

/// <summary>The change to one side of one usage event's charge: <see cref="Delta"/> = current − what was in effect before.</summary>
public sealed record ChargeAdjustment(string EventId, string Side, decimal PreviousAmount, Charge Current, decimal Delta);

/// <summary>
/// An operator re-rated usage with the price book versions now in force (after a price correction). The original
/// charges stay as they were; these adjustments are added to them, and every adjustment names its re-rating and reason.
/// </summary>
public sealed record UsageReRated(string ReRatingId, string Reason, string RequestedBy, Instant ReRatedAt, IReadOnlyList<ChargeAdjustment> Adjustments);

public static class ChargeSides
{
    public const string Retail = "retail";
    public const string Wholesale = "wholesale";
}
