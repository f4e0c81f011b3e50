using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Receivables.GettingReceivables;

namespace TokenLedger.Receivables.AssessingRisk;

public static class GetRisk
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/finance/risk", Handle).RequireAuthorization(Policies.Finance).WithTags("Receivables").Produces<RiskReport>()
            .WithSummary("Per-tenant risk score with each input and its contribution, and the expected-loss provision per aging bucket, as of an instant");

    public static async Task<IResult> Handle(string? asOf, int? page, int? pageSize, string? tenant, ReceivablesFactsReader reader,
        IOptions<RiskOptions> options, IClock clock, CancellationToken ct)
    {
        if (FinanceQuery.Parse(asOf, page, pageSize, clock) is not { } query) return FinanceQuery.Problem(asOf, page, pageSize, clock);
        var receivables = await reader.ReadAsync(query.AsOf, tenant, ct);
        var listed = RiskAssessment.Rank(receivables, options.Value).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).Select(r => r.TenantId).ToList();
        var facts = await reader.RiskFactsAsync(receivables, listed, ct);
        return Results.Ok(RiskAssessment.Build(facts, options.Value, query.Page, query.PageSize));
    }
}
