using NodaTime;
using TokenLedger.Pricing;

namespace TokenLedger.Distributors;

/// <summary>A distributor (or the house, id <see cref="Distributor.House"/>) was registered; it buys tokens at its wholesale price book.</summary>
public sealed record DistributorRegistered(string DistributorId, string Name, string? WholesalePriceBookId, Instant RegisteredAt);

/// <summary>A distributor's name or wholesale price book was changed.</summary>
public sealed record DistributorChanged(string DistributorId, string Name, string? WholesalePriceBookId, Instant ChangedAt);

/// <summary>The distributor's own cost per million tokens of a model (for self-hosted models); reports show price against it.</summary>
public sealed record BreakEvenCostSet(string DistributorId, string Model, TokenPrices CostPerMillion, Instant SetAt);

public sealed partial record Distributor(
    string Id, string DistributorId, string Name, string? WholesalePriceBookId, Instant RegisteredAt,
    IReadOnlyDictionary<string, TokenPrices>? BreakEven = null)
{
    /// <summary>Usage without a distributorId is bought by the house.</summary>
    public const string House = "house";

    public static Distributor Create(DistributorRegistered e) =>
        new(DistributorStreams.For(e.DistributorId), e.DistributorId, e.Name, e.WholesalePriceBookId, e.RegisteredAt);

    public Distributor Apply(DistributorChanged e) => this with { Name = e.Name, WholesalePriceBookId = e.WholesalePriceBookId };

    public Distributor Apply(BreakEvenCostSet e) =>
        this with { BreakEven = new Dictionary<string, TokenPrices>(BreakEven ?? new Dictionary<string, TokenPrices>()) { [e.Model] = e.CostPerMillion } };
}

public static class DistributorStreams
{
    public static string For(string distributorId) => $"distributor:{distributorId}";
}
