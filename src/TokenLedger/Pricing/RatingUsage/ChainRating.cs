using NodaTime;
using TokenLedger.Distributors;

namespace TokenLedger.Pricing.RatingUsage;

/// <summary>
/// One hop above the paying distributor in a distribution chain: <paramref name="Party"/> bought the usage at
/// <paramref name="Cost"/> and sold it to <paramref name="Buyer"/> at <paramref name="Revenue"/>, which is the buyer's cost.
/// <paramref name="Basis"/> says how the cost was priced: <c>book:{id}@{version}</c> or <c>commission:{percent}</c>.
/// </summary>
public sealed record HopCharge(string Party, string Buyer, decimal Cost, decimal Revenue, string Currency, string Basis);

/// <summary>
/// Prices a chain provider → distributor → (sub-distributor)* → tenant. The top distributor pays its wholesale book;
/// each one below pays its own wholesale book, or its parent's cost × (1 + commission/100) (exact, not rounded).
/// Every hop's revenue is the next hop's cost, so the chain conserves money by construction.
/// </summary>
public static class ChainRating
{
    public const int MaxDepth = 8;

    /// <summary>The chain ending at <paramref name="payer"/> at an instant, top first; null if it loops or is deeper than <see cref="MaxDepth"/>.</summary>
    public static IReadOnlyList<(string Party, DistributorUpstream? Upstream)>? ChainAt(
        string payer, Instant at, IReadOnlyDictionary<string, IReadOnlyList<DistributorUpstream>> upstream)
    {
        var chain = new List<(string, DistributorUpstream?)>();
        for (var party = payer; party is not null;)
        {
            if (chain.Count == MaxDepth || chain.Any(c => c.Item1 == party)) return null;
            var version = Distributor.UpstreamAt(upstream.GetValueOrDefault(party), at);
            chain.Insert(0, (party, version));
            party = version?.ParentDistributorId;
        }
        return chain;
    }

    /// <summary>Each party's cost from the top down: a book charge, or the parent's charge scaled by the commission.</summary>
    public static (SideRating Payer, IReadOnlyList<HopCharge>? Hops) Rate(
        IReadOnlyList<(string Party, DistributorUpstream? Upstream)> chain, Func<string, SideRating> rateAtOwnBook)
    {
        if (chain.Count == 1) return (rateAtOwnBook(chain[0].Party), null);
        var costs = new List<(SideRating Side, string Basis)>();
        foreach (var (party, version) in chain)
        {
            if (version?.CommissionPercent is { } percent && costs.Count > 0)
            {
                var parent = costs[^1].Side.Charge!;
                var factor = 1m + percent / 100m;
                costs.Add((SideRating.Of(parent with
                {
                    PriceBookId = $"{parent.PriceBookId}+commission:{percent}",
                    Input = parent.Input * factor, CachedInput = parent.CachedInput * factor,
                    CacheWrite = parent.CacheWrite * factor, Output = parent.Output * factor,
                }), $"commission:{percent}"));
            }
            else
            {
                var side = rateAtOwnBook(party);
                if (!side.IsRated) return (SideRating.Unrated($"chain hop '{party}': {side.UnratedReason}"), null);
                costs.Add((side, $"book:{side.Charge!.PriceBookId}@{side.Charge.Version}"));
            }
        }
        var hops = Enumerable.Range(0, chain.Count - 1).Select(i => new HopCharge(chain[i].Party, chain[i + 1].Party,
            costs[i].Side.Charge!.Amount, costs[i + 1].Side.Charge!.Amount, costs[i].Side.Charge!.Currency, costs[i].Basis)).ToList();
        return (costs[^1].Side, hops);
    }
}
