using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Text.Json.Serialization;
using Marten;
using Npgsql;
using TokenLedger.Pricing;
using NodaTime;
using NodaTime.Text;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Tenants;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Distributors.GettingMargins;

/// <summary>
/// One group's revenue (retail), cost (wholesale) and margin; percent is of revenue, 2 decimals; negative margins are flagged.
/// Revenue and cost are net of the volume discounts settled for the group's events (<see cref="VolumeDiscount"/>, when any).
/// </summary>
public sealed record MarginLine(
    string Group, long Events, long Tokens, decimal Revenue, decimal Cost, decimal? Margin, decimal? MarginPercent, bool NegativeMargin, long UnratedEvents,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BreakEvenLine? BreakEven = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GroupVolumeDiscount? VolumeDiscount = null);

/// <summary>Grouped by model with a recorded cost basis: what the tokens cost the distributor itself, and revenue against it.</summary>
public sealed record BreakEvenLine(TokenPrices CostPerMillion, decimal Cost, decimal MarginOverBreakEven, bool BelowBreakEven);

public sealed record MarginReport(
    string DistributorId, string Period, string TimeZone, string GroupBy, string? RevenueCurrency, string? CostCurrency,
    IReadOnlyList<MarginLine> Groups, decimal Revenue, decimal Cost, decimal? Margin, decimal? MarginPercent, long UnratedEvents);

public static class GetMargins
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/distributors/{distributorId}/margins", Handle).Produces<MarginReport>().Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithTags("Distributors")
            .WithSummary("Revenue, cost and margin of a distributor at its hops of the chain, per model, tenant or day of a month (JSON, or CSV with format=csv or Accept: text/csv)");

    public static async Task<IResult> Handle(string distributorId, string? period, string? groupBy, string? timeZone, string? format, HttpRequest request,
        ClaimsPrincipal user, NpgsqlDataSource db, IQuerySession session, CancellationToken ct)
    {
        if (!await ChainAccess.MayReadAsync(user, distributorId, session, ct)) return Problems.NotFound($"Distributor '{distributorId}' was not found");
        var month = YearMonthPattern.Iso.Parse(period ?? "");
        if (!month.Success) return Problems.BadRequest("period", "period must be a month, yyyy-MM, such as 2026-06");
        var grouping = groupBy ?? "model";
        if (!MarginRows.Groupings.Contains(grouping)) return Problems.BadRequest("groupBy", "groupBy must be model, tenant or day");
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone ?? Tenant.DefaultTimeZone);
        if (zone is null) return Problems.BadRequest("timeZone", $"timeZone '{timeZone}' is not an IANA time zone id");

        var from = month.Value.OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        var to = month.Value.PlusMonths(1).OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        var volume = await MarginVolume.ReadAsync(db, session, distributorId, new Interval(from, to), grouping, zone, ct);
        var rows = (await MarginRows.ReadAsync(db, distributorId, from, to, grouping, zone, ct))
            .Select(r => volume.TryGetValue(r.Group, out var v) ? r with { Revenue = r.Revenue - v.Revenue, Cost = r.Cost - v.Cost } : r).ToList();
        var comparable = rows.Select(r => r.RevenueCurrency).Concat(rows.Select(r => r.CostCurrency)).Where(c => c is not null).Distinct().Count() <= 1;
        var breakEven = grouping == "model" ? (await session.LoadAsync<Distributor>(DistributorStreams.For(distributorId), ct))?.BreakEven : null;
        var lines = rows.Select(r => Line(r, comparable, breakEven?.GetValueOrDefault(r.Group)) with { VolumeDiscount = volume.GetValueOrDefault(r.Group) }).ToList();
        var revenue = rows.Sum(r => r.Revenue);
        var cost = rows.Sum(r => r.Cost);
        var report = new MarginReport(distributorId, period!, zone.Id, grouping,
            rows.Select(r => r.RevenueCurrency).FirstOrDefault(c => c is not null), rows.Select(r => r.CostCurrency).FirstOrDefault(c => c is not null),
            lines, revenue, cost, comparable ? revenue - cost : null, comparable ? Percent(revenue - cost, revenue) : null, rows.Sum(r => r.UnratedEvents));
        return Receivables.GettingReceivables.FinanceQuery.WantsCsv(request, format)
            ? Results.Text(MarginCsv.Write(report), "text/csv", System.Text.Encoding.UTF8)
            : Results.Ok(report);
    }

    private static MarginLine Line(MarginRow r, bool comparable, TokenPrices? breakEven)
    {
        decimal? margin = comparable ? r.Revenue - r.Cost : null;
        return new MarginLine(r.Group, r.Events, r.Tokens, r.Revenue, r.Cost, margin, margin is { } m ? Percent(m, r.Revenue) : null, margin < 0, r.UnratedEvents,
            breakEven is null ? null : BreakEven(r, breakEven));
    }

    private static BreakEvenLine BreakEven(MarginRow r, TokenPrices p)
    {
        var t = r.ClassTokens;
        var cost = (t.Input * p.InputPerMillion + t.CachedInput * p.CachedInputPerMillion + t.CacheWrite * p.CacheWritePerMillion + t.Output * p.OutputPerMillion) / 1_000_000m;
        return new BreakEvenLine(p, cost, r.Revenue - cost, r.Revenue < cost);
    }

    private static decimal? Percent(decimal margin, decimal revenue) => revenue == 0 ? null : Math.Round(margin * 100m / revenue, 2, MidpointRounding.AwayFromZero);
}
