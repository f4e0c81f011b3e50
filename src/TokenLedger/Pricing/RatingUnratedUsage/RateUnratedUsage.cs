using Marten;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;
using TokenLedger.Usage.GettingUsage;
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
            var scope = UnratedScope.For(message, catalog);
            if (scope.IsEmpty) return [];
            var page = await UnratedPageAsync(session, scope, after, ct);
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

    private static async Task<List<UsageRecord>> UnratedPageAsync(IDocumentSession session, UnratedScope scope, string after, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select {UsageFactRows.Columns} " +
            $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
            $"where ({scope.Sql}) and f.event_id > @after order by f.event_id limit @limit",
            session.Connection);
        scope.AddParameters(command);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", PageSize);
        var page = new List<UsageRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) page.Add(UsageFactRows.Read(reader));
        return page;
    }
}

/// <summary>Which unrated sides a change can affect, as SQL over usage_facts <c>f</c>.</summary>
public sealed record UnratedScope(string Sql, string[] Tenants, string[] Payers, bool IsEmpty)
{
    private const string RetailUnrated = "f.retail_status = 'unrated'";
    private const string WholesaleUnrated = "f.wholesale_status = 'unrated'";

    public static UnratedScope For(RateUnratedUsage message, RatingCatalog catalog)
    {
        if (message.TenantId is { } tenant)
            return new($"f.tenant_id = any(@tenants) and ({RetailUnrated} or {WholesaleUnrated})", [tenant], [], false);
        if (message.DistributorId is { } distributor)
            return new($"f.payer = any(@payers) and {WholesaleUnrated}", [], [distributor], false);
        if (message.PriceBookId is { } book)
        {
            var tenants = catalog.TenantsUsing(book).ToArray();
            var payers = catalog.DistributorsUsing(book).ToArray();
            return new($"(f.tenant_id = any(@tenants) and {RetailUnrated}) or (f.payer = any(@payers) and {WholesaleUnrated})",
                tenants, payers, tenants.Length == 0 && payers.Length == 0);
        }
        return new($"{RetailUnrated} or {WholesaleUnrated}", [], [], false);
    }

    public void AddParameters(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("tenants", Tenants);
        command.Parameters.AddWithValue("payers", Payers);
    }
}
