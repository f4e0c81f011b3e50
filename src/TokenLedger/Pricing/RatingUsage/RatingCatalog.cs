using TokenLedger.Distributors;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Usage;

namespace TokenLedger.Pricing.RatingUsage;

/// <summary>
/// Everything rating needs, as of one catalog revision: price books with all their versions, each tenant's retail
/// book and each distributor's wholesale book. Pure: rating a record twice with the same catalog gives equal results.
/// </summary>
public sealed class RatingCatalog(
    long revision,
    IReadOnlyDictionary<string, PriceBookHistory> books,
    IReadOnlyDictionary<string, string> retailBookByTenant,
    IReadOnlyDictionary<string, string> wholesaleBookByDistributor,
    IReadOnlyDictionary<string, IReadOnlyList<DistributorUpstream>>? upstreamByDistributor = null)
{
    public static readonly RatingCatalog Empty = new(-1, new Dictionary<string, PriceBookHistory>(), new Dictionary<string, string>(), new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, IReadOnlyList<DistributorUpstream>> _upstream =
        upstreamByDistributor ?? new Dictionary<string, IReadOnlyList<DistributorUpstream>>();

    public long Revision => revision;

    public IEnumerable<string> TenantsUsing(string priceBookId) => retailBookByTenant.Where(t => t.Value == priceBookId).Select(t => t.Key);

    public IEnumerable<string> DistributorsUsing(string priceBookId) => wholesaleBookByDistributor.Where(d => d.Value == priceBookId).Select(d => d.Key);

    public UsageRating Rate(UsageRecord record)
    {
        var payer = record.DistributorId ?? Distributor.House;
        var tokens = new TokenCounts(record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens);
        var retail = RateAt(retailBookByTenant.GetValueOrDefault(record.TenantId), $"tenant '{record.TenantId}' has no retail price book", record, tokens);
        SideRating Wholesale(string party) =>
            RateAt(wholesaleBookByDistributor.GetValueOrDefault(party), $"distributor '{party}' has no wholesale price book", record, tokens);
        if (_upstream.Count == 0) return new UsageRating(record.EventId, payer, retail, Wholesale(payer));
        if (ChainRating.ChainAt(payer, record.OccurredAt, _upstream) is not { } chain)
            return new UsageRating(record.EventId, payer, retail, SideRating.Unrated($"the distribution chain of '{payer}' loops or is deeper than {ChainRating.MaxDepth} hops"));
        var (wholesale, hops) = ChainRating.Rate(chain, Wholesale);
        return new UsageRating(record.EventId, payer, retail, wholesale, hops);
    }

    private SideRating RateAt(string? bookId, string missingBook, UsageRecord record, TokenCounts tokens)
    {
        if (bookId is null) return SideRating.Unrated(missingBook);
        if (!books.TryGetValue(bookId, out var book)) return SideRating.Unrated($"price book '{bookId}' does not exist");
        return book.Rate(record.Model, tokens, record.OccurredAt) switch
        {
            Rated rated => SideRating.Of(rated.Charge),
            Unrated unrated => SideRating.Unrated(unrated.Reason),
            var other => throw new InvalidOperationException($"Unknown rating outcome {other}"),
        };
    }

    public static RatingCatalog From(long revision, IEnumerable<PriceBook> books, IEnumerable<(string TenantId, string BookId)> retail,
        IEnumerable<(string DistributorId, string BookId)> wholesale,
        IEnumerable<(string DistributorId, IReadOnlyList<DistributorUpstream> Versions)>? upstream = null) => new(
        revision,
        books.ToDictionary(b => b.PriceBookId, b => new PriceBookHistory(b.Versions)),
        retail.ToDictionary(t => t.TenantId, t => t.BookId),
        wholesale.ToDictionary(d => d.DistributorId, d => d.BookId),
        (upstream ?? []).Where(u => u.Versions.Count > 0).ToDictionary(u => u.DistributorId, u => u.Versions));
}
