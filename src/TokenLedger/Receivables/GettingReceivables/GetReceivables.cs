using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using NodaTime.Text;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Receivables.GettingReceivables;

public static class GetReceivables
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/finance/receivables", Handle).RequireAuthorization(Policies.Finance).WithTags("Receivables")
            .Produces<ReceivablesReport>().Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary("Open receivables per tenant and in total as of an instant: aging buckets, DSO over 90 days, credit limit and utilisation (JSON, or CSV with format=csv or Accept: text/csv)");

    public static async Task<IResult> Handle(HttpRequest request, string? asOf, int? page, int? pageSize, string? tenant, string? format,
        ReceivablesFactsReader reader, IClock clock, CancellationToken ct)
    {
        if (FinanceQuery.Parse(asOf, page, pageSize, clock) is not { } query) return FinanceQuery.Problem(asOf, page, pageSize, clock);
        var facts = await reader.ReadAsync(query.AsOf, tenant, ct);
        var ranked = ReceivablesReport.Rank(facts);
        var csv = FinanceQuery.WantsCsv(request, format);
        var listed = (csv ? ranked : ranked.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)).Select(r => r.TenantId).ToList();
        facts = await reader.WithInvoicedAsync(facts, listed, ct);
        return csv ? Results.Text(Csv(ReceivablesReport.All(facts, ranked)), "text/csv", Encoding.UTF8) : Results.Ok(ReceivablesReport.Build(facts, ranked, query.Page, query.PageSize));
    }

    public static string Csv(IReadOnlyList<TenantReceivables> rows)
    {
        var csv = new StringBuilder("tenant_id,currency,open,current,days_1_30,days_31_60,days_61_90,days_over_90,invoiced_90_days,dso_days,credit_limit,utilisation_percent\n");
        foreach (var r in rows)
            csv.AppendJoin(',', CsvCells.Text(r.TenantId), CsvCells.Text(r.Currency), N(r.Open), N(r.Aging.Current), N(r.Aging.Days1To30), N(r.Aging.Days31To60), N(r.Aging.Days61To90),
                N(r.Aging.Over90), N(r.Invoiced90Days), N(r.DsoDays), N(r.CreditLimit), N(r.UtilisationPercent)).Append('\n');
        return csv.ToString();
    }

    private static string N(decimal? d) => CsvCells.Number(d);
}

/// <summary>The query parameters the finance views share: asOf (an ISO instant, default now, not in the future), page ≥ 1, pageSize 1–1000 (default 100).</summary>
public sealed record FinanceQuery(Instant AsOf, int Page, int PageSize)
{
    public static FinanceQuery? Parse(string? asOf, int? page, int? pageSize, IClock clock)
    {
        var now = clock.GetCurrentInstant();
        var at = now;
        if (asOf is not null)
        {
            if (Rfc3339.ToInstant(asOf) is not { } parsed) return null;
            at = parsed;
        }
        if (at > now || page is < 1 || pageSize is < 1 or > 1000) return null;
        return new FinanceQuery(at, page ?? 1, pageSize ?? 100);
    }

    public static IResult Problem(string? asOf, int? page, int? pageSize, IClock clock)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1) errors["page"] = ["page must be 1 or more"];
        if (pageSize is < 1 or > 1000) errors["pageSize"] = ["pageSize must be 1 to 1000"];
        if (errors.Count == 0) errors["asOf"] = [$"{Rfc3339.Rule("asOf")}, not later than now ({clock.GetCurrentInstant()})"];
        return Results.ValidationProblem(errors, title: "The request is invalid");
    }

    public static bool WantsCsv(HttpRequest request, string? format) =>
        string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase) || request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);
}
