using NodaTime;

namespace TokenLedger.Receivables.GettingReceivables;

public sealed record TenantReceivables(
    string TenantId, string Currency, string TimeZone, decimal Open, AgingBuckets Aging, int OpenInvoices, LocalDate? OldestDueDate,
    decimal Invoiced90Days, decimal? DsoDays, decimal? CreditLimit, decimal? UtilisationPercent);

public sealed record CurrencyReceivables(string Currency, int Tenants, decimal Open, AgingBuckets Aging, decimal Invoiced90Days, decimal? DsoDays);

/// <summary>The receivables view: totals per currency over every tenant, and one page of tenants (largest open amount first).</summary>
public sealed record ReceivablesReport(Instant AsOf, int Page, int PageSize, int TenantCount, IReadOnlyList<CurrencyReceivables> Totals, IReadOnlyList<TenantReceivables> Tenants)
{
    /// <summary>
    /// DSO over the last 90 days = open receivables at asOf ÷ amount invoiced in (asOf − 90 days, asOf] × 90, rounded half
    /// away from zero to 1 decimal; null when nothing was invoiced in the window. Utilisation = open ÷ credit limit × 100
    /// (2 decimals); null without a limit or with a limit of 0. Tenants listed: those with something open or invoiced in
    /// the window, ordered by open amount descending, then tenant id.
    /// </summary>
    public static ReceivablesReport Build(ReceivablesFacts facts, int page, int pageSize)
    {
        var rows = All(facts);
        var totals = rows.GroupBy(r => r.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var open = g.Sum(r => r.Open);
                var invoiced = g.Sum(r => r.Invoiced90Days);
                return new CurrencyReceivables(g.Key, g.Count(), open, g.Aggregate(AgingBuckets.Zero, (a, r) => a.Plus(r.Aging)), invoiced, Dso(open, invoiced));
            }).ToList();
        return new ReceivablesReport(facts.AsOf, page, pageSize, rows.Count, totals, rows.Skip((page - 1) * pageSize).Take(pageSize).ToList());
    }

    public static IReadOnlyList<TenantReceivables> All(ReceivablesFacts facts)
    {
        var open = facts.Open.GroupBy(i => i.TenantId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return open.Keys.Union(facts.Invoiced90Days.Keys)
            .Where(facts.Tenants.ContainsKey)
            .Select(id => Row(facts.Tenants[id], open.GetValueOrDefault(id) ?? [], facts.Invoiced90Days.GetValueOrDefault(id),
                facts.CreditLimits.GetValueOrDefault(id), facts.AsOf))
            .OrderByDescending(r => r.Open).ThenBy(r => r.TenantId, StringComparer.Ordinal).ToList();
    }

    private static TenantReceivables Row(TenantTerms tenant, List<InvoiceStanding> open, decimal invoiced, decimal? limit, Instant asOf)
    {
        var total = open.Sum(i => i.Open);
        return new TenantReceivables(tenant.TenantId, tenant.Currency, tenant.Zone.Id, total, Aging.Age(open, asOf, tenant.Zone), open.Count,
            open.Count == 0 ? null : open.Min(i => i.DueDate), invoiced, Dso(total, invoiced), limit,
            limit is > 0 ? Math.Round(total / limit.Value * 100m, 2, MidpointRounding.AwayFromZero) : null);
    }

    public static decimal? Dso(decimal open, decimal invoiced90Days) =>
        invoiced90Days > 0 ? Math.Round(open / invoiced90Days * 90m, 1, MidpointRounding.AwayFromZero) : null;
}
