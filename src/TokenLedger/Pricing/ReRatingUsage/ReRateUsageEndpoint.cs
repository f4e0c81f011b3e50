using TokenLedger.Idempotency;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using Npgsql;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing.CreditNotes;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;
using TokenLedger.Usage.Facts;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Pricing.ReRatingUsage;

[Idempotent]
public sealed record ReRateUsageRequest(string? TenantId, string? From, string? To, string? Reason);

/// <summary><see cref="CreditNotes"/>: the credit and debit notes issued for corrections of usage on issued invoices.</summary>
public sealed record ReRateUsageResponse(
    string ReRatingId, int EventsExamined, int Adjustments, Money RetailDelta, IReadOnlyList<Money> WholesaleDeltas, IReadOnlyList<string> CreditNotes);

public static class ReRateUsageEndpoint
{
    private const int PageSize = 2000;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/rerating", Handle).RequireAuthorization(Policies.Operator)
            .Produces<ReRateUsageResponse>()
            .WithTags("Pricing")
            .WithSummary("Re-rate a tenant's usage in [from, to) with the price versions now in force; differences become audited adjustments");

    public static async Task<IResult> Handle(ReRateUsageRequest body, ClaimsPrincipal user, IDocumentStore store, RatingCatalogSource catalogs,
        ReRatingNotes notes, IClock clock, CancellationToken ct)
    {
        if (Rfc3339.ToInstant(body.From) is not { } from) return Problems.BadRequest("from", Rfc3339.Rule("from"));
        if (Rfc3339.ToInstant(body.To) is not { } to) return Problems.BadRequest("to", Rfc3339.Rule("to"));
        var command = new ReRateUsage(body.TenantId ?? "", from, to, body.Reason ?? "",
            user.FindFirstValue(LedgerClaims.KeyId) ?? "unknown");
        var validation = new ReRateUsage.Validator().Validate(command);
        if (!validation.IsValid) return Problems.Validation(validation);

        var reRatingId = $"rerate-{Guid.CreateVersion7():N}";
        var examined = 0;
        var adjustments = new List<ChargeAdjustment>();
        for (var after = ""; ;)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            await LockTenantAsync(session, command.TenantId, ct);
            var catalog = await catalogs.CurrentAsync(session, ct);
            var page = await UsageFactsForReRating.InEffectPageAsync(session.Connection!, command.TenantId, command.From, command.To, after, PageSize, ct);
            if (page.Count == 0) break;
            after = page[^1].Record.EventId;
            examined += page.Count;

            if (ReRateUsage.Decide(page, catalog, reRatingId, command, clock.GetCurrentInstant()) is { } reRated)
            {
                session.Events.StartStream(UsageStreams.ForBatch($"{reRatingId}-{examined}"), reRated);
                await session.SaveChangesAsync(ct);
                adjustments.AddRange(reRated.Adjustments);
            }
        }

        // Corrections of usage that issued invoices billed become credit or debit notes now, not lines on the next invoice.
        var issued = await notes.IssueAsync(command.TenantId, command.RequestedBy, ct);
        var retail = adjustments.Where(a => a.Side == ChargeSides.Retail).ToList();
        return Results.Ok(new ReRateUsageResponse(reRatingId, examined, adjustments.Count,
            Money.Of(retail.Sum(a => a.Delta), retail.FirstOrDefault()?.Current.Currency ?? ""),
            adjustments.Where(a => a.Side == ChargeSides.Wholesale).GroupBy(a => a.Current.Currency)
                .Select(g => Money.Of(g.Sum(a => a.Delta), g.Key)).ToList(), issued.Select(n => n.Number).ToList()));
    }

    /// <summary>Two re-ratings of one tenant at once would both compute deltas from the same "in effect" amounts.</summary>
    private static async Task LockTenantAsync(IDocumentSession session, string tenantId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('tokenledger-rerate:' || @tenant))", session.Connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        await command.ExecuteNonQueryAsync(ct);
    }
}
