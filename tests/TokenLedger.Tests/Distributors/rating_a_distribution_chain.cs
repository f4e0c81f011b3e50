using NodaTime;
using Shouldly;
using TokenLedger.Distributors;
using TokenLedger.Pricing;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;

namespace TokenLedger.Tests.Distributors;

/// <summary>provider → top (book "upstream") → mid (book "mid-buy") → sub (commission 5.5 %) → tenant (book "retail").</summary>
public sealed class rating_a_distribution_chain
{
    private static readonly Instant Jan = Instant.FromUtc(2026, 1, 1, 0, 0);
    private static readonly Instant June = Instant.FromUtc(2026, 6, 1, 0, 0);

    private static PriceBook Book(string id, decimal input, decimal cached, decimal output)
    {
        var price = new ModelPrice("glm-4.6", new TokenPrices(input, cached, input, output), [], [], []);
        return new PriceBook($"pricebook:{id}", id, "CNY",
            [new PriceBookVersion(id, 1, "CNY", Jan, new Dictionary<string, ModelPrice> { ["glm-4.6"] = price }, new Dictionary<string, string>())]);
    }

    private static RatingCatalog Catalog(decimal subCommission = 5.5m) => RatingCatalog.From(1,
        [Book("upstream", 2m, 0.2m, 8m), Book("mid-buy", 2.4m, 0.25m, 9.6m), Book("retail", 4m, 0.4m, 16m)],
        [("acme", "retail")],
        [("top", "upstream"), ("mid", "mid-buy")],
        [("mid", [new DistributorUpstream(Jan, "top", null)]), ("sub", [new DistributorUpstream(Jan, "mid", subCommission)])]);

    private static UsageRecord Usage(string id, long input, long cached, long output, string distributor = "sub", Instant? at = null) =>
        new(id, "acme", "glm-4.6", at ?? June, input, cached, 0, output, DistributorId: distributor);

    [Fact]
    public void every_hop_sells_at_the_next_hops_cost_on_random_usage()
    {
        var random = new Random(20260601);
        var catalog = Catalog();
        for (var i = 0; i < 2_000; i++)
        {
            var rating = catalog.Rate(Usage($"e{i}", random.NextInt64(0, 2_000_000), random.NextInt64(0, 500_000), random.NextInt64(0, 300_000)));
            var hops = rating.Hops!;
            hops.Select(h => (h.Party, h.Buyer)).ShouldBe([("top", "mid"), ("mid", "sub")]);
            hops[0].Revenue.ShouldBe(hops[1].Cost);
            hops[1].Revenue.ShouldBe(rating.Wholesale.Charge!.Amount);
            rating.Wholesale.Charge.Amount.ShouldBe(hops[1].Cost * 1.055m);
        }
    }

    [Fact]
    public void a_commission_hop_pays_its_parents_cost_plus_the_percentage_exactly()
    {
        var rating = Catalog().Rate(Usage("e1", 1_000_000, 0, 100_000));
        // mid buys at 2.4 + 0.96 = 3.36; sub pays 3.36 × 1.055 = 3.5448; top paid 2 + 0.8 = 2.8.
        (rating.Hops![0].Cost, rating.Hops[0].Revenue, rating.Hops[1].Revenue).ShouldBe((2.8m, 3.36m, 3.5448m));
        rating.Hops[1].Basis.ShouldBe("book:mid-buy@1");
        rating.Wholesale.Charge!.PriceBookId.ShouldBe("mid-buy+commission:5.5");
    }

    [Fact]
    public void a_distributor_without_a_chain_is_rated_at_its_book_without_hops()
    {
        var rating = Catalog().Rate(Usage("e1", 1_000_000, 0, 0, distributor: "top"));
        (rating.Hops, rating.Wholesale.Charge!.Amount).ShouldBe((null, 2m));
    }

    [Fact]
    public void the_chain_in_force_when_the_usage_occurred_prices_it()
    {
        var catalog = RatingCatalog.From(1, [Book("upstream", 2m, 0.2m, 8m), Book("mid-buy", 2.4m, 0.25m, 9.6m)], [], [("top", "upstream"), ("mid", "mid-buy")],
            [("mid", [new DistributorUpstream(June, "top", null)])]);
        catalog.Rate(Usage("before", 1_000_000, 0, 0, "mid", June - Duration.FromDays(1))).Hops.ShouldBeNull();
        catalog.Rate(Usage("after", 1_000_000, 0, 0, "mid", June)).Hops!.Single().Party.ShouldBe("top");
    }

    [Fact]
    public void a_hop_without_a_price_leaves_the_payers_cost_unrated_with_the_reason()
    {
        var catalog = RatingCatalog.From(1, [Book("mid-buy", 2.4m, 0.25m, 9.6m)], [], [("mid", "mid-buy")],
            [("mid", [new DistributorUpstream(Jan, "top", null)])]);
        catalog.Rate(Usage("e1", 1, 0, 0, "mid")).Wholesale.UnratedReason.ShouldBe("chain hop 'top': distributor 'top' has no wholesale price book");
    }
}
