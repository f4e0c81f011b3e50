using NodaTime;

namespace TokenLedger.Pricing.PriceBooks;

/// <summary>A new version of a price book was published; earlier versions stay in force for the events they cover.</summary>
public sealed record PriceBookVersionPublished(PriceBookVersion Version, Instant PublishedAt, string? ActedBy = null);

/// <summary>Inline snapshot of a price book stream: every version ever published, in publication order.</summary>
public sealed partial record PriceBook(string Id, string PriceBookId, string Currency, IReadOnlyList<PriceBookVersion> Versions)
{
    public static PriceBook Create(PriceBookVersionPublished e) =>
        new(PriceBookStreams.For(e.Version.PriceBookId), e.Version.PriceBookId, e.Version.Currency, [e.Version]);

    public PriceBook Apply(PriceBookVersionPublished e) => this with { Versions = [.. Versions, e.Version] };

    public int NextVersion => Versions.Count + 1;
}

public static class PriceBookStreams
{
    public static string For(string priceBookId) => $"pricebook:{priceBookId}";
}
