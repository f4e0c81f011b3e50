using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Reconciliation.Rerunning;

/// <summary>Reconcile a stored statement again against the ledger as it is now (after late usage or re-rating); the new run is appended.</summary>
public static class RerunReconciliation
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/distributors/{distributorId}/reconciliations/{reportId}/rerun", Handle).Produces<ReconciliationReport>()
            .WithTags("Reconciliation").WithSummary("Run a stored reconciliation again against the ledger as it is now; every run stays in the report's history");

    public static async Task<IResult> Handle(string distributorId, string reportId, ClaimsPrincipal user, IDocumentSession session,
        ReconciliationRuns runs, IClock clock, CancellationToken ct)
    {
        var stream = ReconciliationStreams.For(reportId);
        var report = await session.LoadAsync<ReconciliationReport>(stream, ct);
        if (!user.MayActForDistributor(distributorId) || report is null || report.DistributorId != distributorId)
            return Problems.NotFound($"Reconciliation '{reportId}' was not found");
        var upload = (await ReconciliationRuns.UploadAsync(session, reportId, ct))!;
        var reported = await runs.RunAsync(upload, report.Run + 1, clock.GetCurrentInstant(), user.KeyId(), ct);
        await session.Events.AppendOptimistic(stream, ct, reported);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is JasperFx.Events.EventStreamUnexpectedMaxEventIdException or JasperFx.ConcurrencyException)
        {
            return Results.Conflict(new { detail = "another run of this reconciliation was recorded at the same time; read the report" });
        }
        await using var query = session.DocumentStore.QuerySession();
        return Results.Ok(await query.LoadAsync<ReconciliationReport>(stream, ct));
    }
}
