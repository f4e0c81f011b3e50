using FluentValidation;
using NodaTime;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;

namespace TokenLedger.Pricing.ReRatingUsage;

/// <summary>A usage event with the charges currently in effect (original plus earlier adjustments) for its rated sides.</summary>
public sealed record RatedFact(UsageRecord Record, decimal? RetailInEffect, decimal? WholesaleInEffect);

/// <summary>Re-rate one tenant's usage that occurred in [From, To); explicit and audited, never automatic.</summary>
public sealed record ReRateUsage(string TenantId, Instant From, Instant To, string Reason, string RequestedBy)
{
    public sealed class Validator : AbstractValidator<ReRateUsage>
    {
        public Validator()
        {
            RuleFor(x => x.TenantId).NotEmpty().WithMessage("tenantId is required");
            RuleFor(x => x.Reason).NotEmpty().WithMessage("reason is required: re-rating is audited").MaximumLength(500);
            RuleFor(x => x.To).GreaterThan(x => x.From).WithMessage("to must be later than from");
        }
    }

    /// <summary>Sides never rated are left to late rating; a side whose charge does not change produces no adjustment.</summary>
    public static UsageReRated? Decide(IReadOnlyList<RatedFact> facts, RatingCatalog catalog, string reRatingId, ReRateUsage command, Instant now)
    {
        var adjustments = facts.SelectMany(fact =>
        {
            var rating = catalog.Rate(fact.Record);
            return new[]
            {
                Adjust(fact.Record.EventId, ChargeSides.Retail, fact.RetailInEffect, rating.Retail),
                Adjust(fact.Record.EventId, ChargeSides.Wholesale, fact.WholesaleInEffect, rating.Wholesale),
            }.OfType<ChargeAdjustment>();
        }).ToList();
        return adjustments.Count == 0 ? null : new UsageReRated(reRatingId, command.Reason, command.RequestedBy, now, adjustments);
    }

    private static ChargeAdjustment? Adjust(string eventId, string side, decimal? inEffect, SideRating now) =>
        inEffect is { } previous && now.Charge is { } current && current.Amount != previous
            ? new ChargeAdjustment(eventId, side, previous, current, current.Amount - previous)
            : null;
}
