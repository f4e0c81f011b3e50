using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using NodaTime.Text;
using TokenLedger.Access;
using TokenLedger.Balances;
using TokenLedger.Infrastructure;

namespace TokenLedger.Plans.GettingEconomics;

public sealed record UtilisationBucket(string Range, int Subscribers);

/// <summary>
/// A plan's month: fee revenue against the wholesale cost of the tokens its subscribers consumed under it, and breakage.
/// Utilisation of a subscriber is its month usage over the plan's monthly capacity (a month cap, or a 5-hour cap times the
/// number of 5-hour windows in the month; the tightest cap per unit, the highest share over units). Breakage is the unused
/// share of the capacity paid for (1 − mean utilisation) and, in money, fee revenue minus the retail value of the usage it covered.
/// </summary>
public sealed record PlanEconomics(
    string PlanId, string Month, string Currency, int Subscribers, decimal FeeRevenue, decimal WholesaleCost, decimal Margin,
    decimal? MarginPercent, decimal RetailValueCovered, decimal BreakageAmount, decimal MeanUtilisationPercent, decimal BreakagePercent,
    long Requests, long Tokens, IReadOnlyList<UtilisationBucket> Utilisation);

public static class GetPlanEconomics
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/plans/{planId}/economics", Handle).RequireAuthorization(Policies.Finance).Produces<PlanEconomics>().WithTags("Plans")
            .WithSummary("Fee revenue vs wholesale cost, cap utilisation distribution and breakage of a plan for a month (yyyy-MM, in each tenant's zone)");

    public static async Task<IResult> Handle(string planId, string? month, IQuerySession session, CancellationToken ct)
    {
        var plan = await session.LoadAsync<Plan>(PlanStreams.For(planId), ct);
        if (plan is null) return Problems.NotFound($"plan '{planId}' does not exist");
        var parsed = YearMonthPattern.Iso.Parse(month ?? "");
        if (!parsed.Success) return Problems.BadRequest("month", "month must be yyyy-MM, such as 2026-06");
        var key = $"{planId}|{month}";
        var accounts = await session.Query<TenantAccount>().Where(a => a.PlanMonthKeys.Contains(key)).ToListAsync(ct);
        var stats = accounts.Select(a => a.PlanMonths[key]).ToList();
        var utilisation = stats.Select(s => Utilisation(plan, parsed.Value, s)).ToList();
        var fees = stats.Sum(s => s.FeeRevenue);
        var cost = stats.Sum(s => s.WholesaleCost);
        var covered = stats.Sum(s => s.CoveredByPlan);
        var mean = utilisation.Count == 0 ? 0m : utilisation.Average();
        return Results.Ok(new PlanEconomics(planId, month!, plan.Currency, stats.Count, fees, cost, fees - cost,
            fees == 0 ? null : Math.Round((fees - cost) * 100m / fees, 2), covered, fees - covered,
            Math.Round(mean, 2), Math.Round(100m - Math.Min(100m, mean), 2), stats.Sum(s => s.Requests), stats.Sum(s => s.Tokens),
            Buckets(utilisation)));
    }

    private static decimal Utilisation(Plan plan, YearMonth month, PlanMonthStats stats)
    {
        var windows = (decimal)month.ToDateInterval().Length * 24m / 5m;
        decimal Capacity(CapUnit unit) => plan.Caps.Where(c => c.Unit == unit)
            .Select(c => c.Window == CapWindow.Month ? c.Limit : c.Limit * windows).DefaultIfEmpty(0m).Min();
        var shares = new List<decimal>();
        if (Capacity(CapUnit.Requests) is > 0 and var requests) shares.Add(stats.Requests * 100m / requests);
        if (Capacity(CapUnit.Tokens) is > 0 and var tokens) shares.Add(stats.Tokens * 100m / tokens);
        return shares.Count == 0 ? 0m : shares.Max();
    }

    private static IReadOnlyList<UtilisationBucket> Buckets(IReadOnlyList<decimal> utilisation)
    {
        (string Range, decimal From, decimal To)[] ranges = [("0-10%", 0, 10), ("10-25%", 10, 25), ("25-50%", 25, 50), ("50-80%", 50, 80), ("80-100%", 80, 100), ("100%+", 100, decimal.MaxValue)];
        return ranges.Select(r => new UtilisationBucket(r.Range, utilisation.Count(u => u >= r.From && u < r.To))).ToList();
    }
}
