using NodaTime;
using Shouldly;
using TokenLedger.Pricing;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Pricing.ReRatingUsage;
using TokenLedger.Usage;

namespace TokenLedger.Tests.Pricing.ReRatingUsage;

public class deciding_a_re_rating
{
    private static readonly Instant Now = Instant.FromUtc(2026, 7, 2, 0, 0);
    private static readonly ReRateUsage Command = new("acme", Instant.FromUtc(2026, 6, 1, 0, 0), Instant.FromUtc(2026, 7, 1, 0, 0), "price fix", "key-1");

    private static RatingCatalog Catalog(decimal inputPerMillion)
    {
        var price = new ModelPrice("glm-4.6", new TokenPrices(inputPerMillion, 0, 0, 0), [], [], []);
        var version = new PriceBookVersion("retail", 1, "CNY", Instant.FromUtc(2026, 1, 1, 0, 0),
            new Dictionary<string, ModelPrice> { ["glm-4.6"] = price }, new Dictionary<string, string>());
        return RatingCatalog.From(1, [new PriceBook("pricebook:retail", "retail", "CNY", [version])], [("acme", "retail")], []);
    }

    private static RatedFact Fact(string id, decimal? retailInEffect, decimal? wholesaleInEffect = null) => new(
        new UsageRecord(id, "acme", "glm-4.6", Instant.FromUtc(2026, 6, 5, 0, 0), 2_000_000, 0, 0, 0), retailInEffect, wholesaleInEffect);

    [Fact]
    public void a_changed_retail_charge_becomes_an_adjustment_of_the_difference_to_what_is_in_effect()
    {
        var reRated = ReRateUsage.Decide([Fact("e1", 20m)], Catalog(7.5m), "rr-1", Command, Now)!;

        var adjustment = reRated.Adjustments.ShouldHaveSingleItem();
        (adjustment.EventId, adjustment.Side, adjustment.PreviousAmount, adjustment.Current.Amount, adjustment.Delta)
            .ShouldBe(("e1", ChargeSides.Retail, 20m, 15m, -5m));
        (reRated.ReRatingId, reRated.Reason, reRated.RequestedBy, reRated.ReRatedAt).ShouldBe(("rr-1", "price fix", "key-1", Now));
    }

    [Fact]
    public void unchanged_charges_and_sides_that_were_never_rated_produce_nothing()
    {
        ReRateUsage.Decide([Fact("same", 15m), Fact("never-rated", null)], Catalog(7.5m), "rr-2", Command, Now).ShouldBeNull();
    }
}
