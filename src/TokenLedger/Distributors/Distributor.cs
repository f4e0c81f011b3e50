using NodaTime;
using TokenLedger.Pricing;

namespace TokenLedger.Distributors;

/// <summary>A distributor (or the house, id <see cref="Distributor.House"/>) was registered; it buys tokens at its wholesale price book.</summary>
public sealed record DistributorRegistered(string DistributorId, string Name, string? WholesalePriceBookId, Instant RegisteredAt, string? ActedBy = null);

/// <summary>A distributor's name or wholesale price book was changed.</summary>
public sealed record DistributorChanged(string DistributorId, string Name, string? WholesalePriceBookId, Instant ChangedAt, string? ActedBy = null);

/// <summary>The distributor's own cost per million tokens of a model (for self-hosted models); reports show price against it.</summary>
public sealed record BreakEvenCostSet(string DistributorId, string Model, TokenPrices CostPerMillion, Instant SetAt, string? ActedBy = null);

/// <summary>
/// From <paramref name="EffectiveFrom"/>, the distributor buys from <paramref name="ParentDistributorId"/> (a sub-distributor)
/// or, when null, from the upstream provider. With <paramref name="CommissionPercent"/> it pays its parent's cost plus
/// that percentage; without, it pays its own wholesale price book (the parent's sell-side book for it).
/// </summary>
public sealed record DistributorUpstreamSet(string DistributorId, string? ParentDistributorId, decimal? CommissionPercent, Instant EffectiveFrom, Instant SetAt, string? ActedBy = null);

/// <summary>One effective-dated version of whom a distributor buys from and how.</summary>
public sealed record DistributorUpstream(Instant EffectiveFrom, string? ParentDistributorId, decimal? CommissionPercent);

public sealed partial record Distributor(
    string Id, string DistributorId, string Name, string? WholesalePriceBookId, Instant RegisteredAt,
    IReadOnlyDictionary<string, TokenPrices>? BreakEven = null, IReadOnlyList<DistributorUpstream>? Upstream = null)
{
    /// <summary>Usage without a distributorId is bought by the house.</summary>
    public const string House = "house";

    public static Distributor Create(DistributorRegistered e) =>
        new(DistributorStreams.For(e.DistributorId), e.DistributorId, e.Name, e.WholesalePriceBookId, e.RegisteredAt);

    public Distributor Apply(DistributorChanged e) => this with { Name = e.Name, WholesalePriceBookId = e.WholesalePriceBookId };

    public Distributor Apply(DistributorUpstreamSet e) => this with
    {
        Upstream = [.. (Upstream ?? []).Where(u => u.EffectiveFrom != e.EffectiveFrom), new DistributorUpstream(e.EffectiveFrom, e.ParentDistributorId, e.CommissionPercent)],
    };

    /// <summary>The version in force at <paramref name="at"/>; null: buys from the upstream provider.</summary>
    public static DistributorUpstream? UpstreamAt(IReadOnlyList<DistributorUpstream>? versions, Instant at) =>
        versions?.Where(u => u.EffectiveFrom <= at).MaxBy(u => u.EffectiveFrom);

    public Distributor Apply(BreakEvenCostSet e) =>
        this with { BreakEven = new Dictionary<string, TokenPrices>(BreakEven ?? new Dictionary<string, TokenPrices>()) { [e.Model] = e.CostPerMillion } };
}

public static class DistributorStreams
{
    public static string For(string distributorId) => $"distributor:{distributorId}";
}
