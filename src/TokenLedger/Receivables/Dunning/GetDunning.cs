using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Access;

namespace TokenLedger.Receivables.Dunning;

public sealed record DunningState(string TenantId, IReadOnlyList<string> Steps, bool Suspended, int Suspensions);

public sealed record DunningPage(int Page, int PageSize, long Total, IReadOnlyList<DunningState> Tenants);

public static class GetDunning
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/finance/dunning", Handle).RequireAuthorization(Policies.Finance).WithTags("Receivables").Produces<DunningPage>()
            .WithSummary("Tenants with dunning steps taken (reminder, final notice, suspension) and whether they are suspended now; suspended first");

    public static async Task<IResult> Handle(int? page, int? pageSize, IQuerySession session, CancellationToken ct)
    {
        var (number, size) = (Math.Max(1, page ?? 1), Math.Clamp(pageSize ?? 50, 1, 500));
        var found = await session.Query<ReceivablesAccount>().Where(a => a.Suspended || a.Steps.Any())
            .OrderByDescending(a => a.Suspended).ThenBy(a => a.TenantId).ToPagedListAsync(number, size, ct);
        return Results.Ok(new DunningPage(number, size, found.TotalItemCount,
            found.Select(a => new DunningState(a.TenantId, a.Steps, a.Suspended, a.Suspensions)).ToList()));
    }
}
