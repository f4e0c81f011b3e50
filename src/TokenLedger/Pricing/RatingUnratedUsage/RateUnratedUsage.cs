using Marten;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Pricing.RatingUnratedUsage;

/// <summary>Rate usage that could not be rated when it was recorded (no price book, no price for its model, no version in force).</summary>
public sealed record RateUnratedUsage;

/// <summary>
/// Runs after any price book, tenant book or distributor book change (and at start-up): pages through usage with an
/// unrated side, rates it with the current catalog and appends <see cref="UsageBatchRated"/> for what is now rated.
/// Sides that were already rated are never touched, so what was billed is never rewritten.
/// </summary>
public static class RateUnratedUsageHandler
{
    private const int PageSize = 2000;

    public static async Task Handle(RateUnratedUsage _, IDocumentStore store, RatingCatalogSource catalogs, IClock clock,
        ILogger<RateUnratedUsage> logger, CancellationToken ct)
    {
        var after = "";
        var rated = 0;
        while (true)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var catalog = await catalogs.CurrentAsync(session, ct);
            var page = await UnratedPageAsync(session, after, ct);
            if (page.Count == 0) break;
            after = page[^1].EventId;

            var ratings = page.Select(catalog.Rate).Where(r => r.Retail.IsRated || r.Wholesale.IsRated).ToList();
            if (ratings.Count > 0)
            {
                var batchId = $"late-{Guid.CreateVersion7():N}";
                session.Events.StartStream(UsageStreams.ForBatch(batchId), new UsageBatchRated(batchId, clock.GetCurrentInstant(), ratings));
                await session.SaveChangesAsync(ct);
                rated += ratings.Count;
            }
        }
        if (rated > 0) logger.LogInformation("Rated {Count} usage events that were unrated", rated);
    }

    private static async Task<List<UsageRecord>> UnratedPageAsync(IDocumentSession session, string after, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select {UsageFactRows.Columns} " +
            $"from {LedgerSchema.Name}.{UsageChargesProjection.TableName} c join {LedgerSchema.Name}.{UsageFactsProjection.TableName} f using (event_id) " +
            "where (c.retail_status = 'unrated' or c.wholesale_status = 'unrated') and c.event_id > @after order by c.event_id limit @limit",
            session.Connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", PageSize);
        var page = new List<UsageRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) page.Add(UsageFactRows.Read(reader));
        return page;
    }
}
