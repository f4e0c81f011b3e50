using Marten;
using Microsoft.Extensions.Logging;
using NodaTime;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;
using TokenLedger.Usage.Facts;
using Wolverine;

namespace TokenLedger.Pricing.RatingUnratedUsage;

/// <summary>
/// Rate usage that could not be rated when it was recorded. Scoped to what a change can affect: a price book (the
/// tenants and distributors that use it), one tenant, or one distributor; with no scope, everything unrated.
/// </summary>
public sealed record RateUnratedUsage(string? PriceBookId = null, string? TenantId = null, string? DistributorId = null, string After = "");

/// <summary>
/// Pages through usage with an unrated side in scope, rates it with the current catalog and appends
/// <see cref="UsageBatchRated"/> for what now rates. Sides already rated are never touched. A run handles a bounded
/// number of pages and then continues itself with a new message, so no single handler runs long.
/// </summary>
public static class RateUnratedUsageHandler
{
    private const int PageSize = 2000;
    private const int PagesPerRun = 10;

    public static async Task<object[]> Handle(RateUnratedUsage message, IDocumentStore store, RatingCatalogSource catalogs, IClock clock,
        ILogger<RateUnratedUsage> logger, CancellationToken ct)
    {
        var after = message.After;
        for (var pages = 0; pages < PagesPerRun; pages++)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var catalog = await catalogs.CurrentAsync(session, ct);
            var scope = ScopeOf(message, catalog);
            if (scope.IsEmpty) return [];
            var page = await UsageFactsForLateRating.UnratedPageAsync(session.Connection!, scope, after, PageSize, ct);
            if (page.Count == 0) return [];
            after = page[^1].EventId;

            var ratings = page.Select(catalog.Rate).Where(r => r.Retail.IsRated || r.Wholesale.IsRated).ToList();
            if (ratings.Count == 0) continue;
            var batchId = $"late-{Guid.CreateVersion7():N}";
            session.Events.StartStream(UsageStreams.ForBatch(batchId), new UsageBatchRated(batchId, clock.GetCurrentInstant(), ratings));
            await session.SaveChangesAsync(ct);
            logger.LogInformation("Rated {Count} usage events that were unrated", ratings.Count);
        }
        return [message with { After = after }];
    }

    /// <summary>Which unrated sides the change behind <paramref name="message"/> can affect.</summary>
    private static UnratedScope ScopeOf(RateUnratedUsage message, RatingCatalog catalog)
    {
        if (message.TenantId is { } tenant) return UnratedScope.OfTenant(tenant);
        if (message.DistributorId is { } distributor) return UnratedScope.OfPayer(distributor);
        if (message.PriceBookId is { } book)
            return UnratedScope.OfPriceBookUsers(catalog.TenantsUsing(book).ToArray(), catalog.DistributorsUsing(book).ToArray());
        return UnratedScope.Everything;
    }
}
