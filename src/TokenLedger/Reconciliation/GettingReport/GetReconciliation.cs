using TokenLedger.Access;
using System.Security.Claims;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Infrastructure;

namespace TokenLedger.Reconciliation.GettingReport;

public sealed record ReconciliationListItem(string ReportId, string Period, string? Provider, string FileName, int Run, ReconciliationSummary? Summary, NodaTime.Instant UploadedAt);

public static class GetReconciliation
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/distributors/{distributorId}/reconciliations/{reportId}", Handle).Produces<ReconciliationReport>()
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").WithTags("Reconciliation")
            .WithSummary("A reconciliation report (latest run): findings per day and model, JSON or CSV (format=csv or Accept: text/csv)");
        app.MapGet("/api/distributors/{distributorId}/reconciliations", List).Produces<IReadOnlyList<ReconciliationListItem>>().WithTags("Reconciliation")
            .WithSummary("The distributor's reconciliations, newest first");
    }

    public static async Task<IResult> Handle(string distributorId, string reportId, string? format, HttpRequest request, ClaimsPrincipal user,
        IQuerySession session, CancellationToken ct)
    {
        var report = await session.LoadAsync<ReconciliationReport>(ReconciliationStreams.For(reportId), ct);
        if (!user.MayActForDistributor(distributorId) || report is null || report.DistributorId != distributorId)
            return Problems.NotFound($"Reconciliation '{reportId}' was not found");
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
            || request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);
        return csv ? Results.Text(ReconciliationRuns.Csv(report), "text/csv", Encoding.UTF8) : Results.Ok(report);
    }

    public static async Task<IResult> List(string distributorId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        if (!user.MayActForDistributor(distributorId)) return Problems.NotFound($"Distributor '{distributorId}' was not found");
        var reports = await session.Query<ReconciliationReport>().Where(r => r.DistributorId == distributorId)
            .OrderByDescending(r => r.UploadedAt).Take(200).ToListAsync(ct);
        return Results.Ok(reports.Select(r => new ReconciliationListItem(r.ReportId, r.Period, r.Provider, r.FileName, r.Run, r.Summary, r.UploadedAt)).ToList());
    }
}
