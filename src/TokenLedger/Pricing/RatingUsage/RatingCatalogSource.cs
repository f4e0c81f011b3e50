using Marten;
using TokenLedger.Distributors;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Tenants;

namespace TokenLedger.Pricing.RatingUsage;

/// <summary>Keeps the current <see cref="RatingCatalog"/>, reloading it inside the caller's transaction when the revision moved.</summary>
public sealed class RatingCatalogSource
{
    private volatile RatingCatalog _current = RatingCatalog.Empty;

    public async Task<RatingCatalog> CurrentAsync(IDocumentSession session, CancellationToken ct) =>
        await CurrentAsync(session, await RatingCatalogRevision.ReadAsync(session, ct), ct);

    /// <summary>The catalog at <paramref name="revision"/>, which the caller read in the session's transaction.</summary>
    public async Task<RatingCatalog> CurrentAsync(IDocumentSession session, long revision, CancellationToken ct)
    {
        var current = _current;
        if (current.Revision == revision) return current;

        var books = await session.Query<PriceBook>().ToListAsync(ct);
        var tenants = await session.Query<Tenant>().Where(t => t.RetailPriceBookId != null).ToListAsync(ct);
        var distributors = await session.Query<Distributor>().ToListAsync(ct);
        var loaded = RatingCatalog.From(revision, books,
            tenants.Select(t => (t.TenantId, t.RetailPriceBookId!)),
            distributors.Where(d => d.WholesalePriceBookId != null).Select(d => (d.DistributorId, d.WholesalePriceBookId!)),
            distributors.Where(d => d.Upstream is { Count: > 0 }).Select(d => (d.DistributorId, d.Upstream!)));
        _current = loaded;
        return loaded;
    }
}
