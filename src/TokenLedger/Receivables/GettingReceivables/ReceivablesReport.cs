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
    /// (2 decimals); null without a limit or with a limit of 0. Tenants listed: those with something open at asOf (and
    /// the one asked for), ordered by open amount descending, then tenant id. Totals cover every listed tenant.
    /// </summary>
    public static ReceivablesReport Build(ReceivablesFacts facts, int page, int pageSize) => Build(facts, Rank(facts), page, pageSize);

    /// <summary>The same, from the facts' tenants already ranked by <see cref="Rank"/>.</summary>
    public static ReceivablesReport Build(ReceivablesFacts facts, IReadOnlyList<TenantReceivables> ranked, int page, int pageSize)
    {
        var totals = ranked.GroupBy(r => r.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var open = g.Sum(r => r.Open);
                var invoiced = facts.Invoiced90DaysByCurrency.GetValueOrDefault(g.Key);
                return new CurrencyReceivables(g.Key, g.Count(), open, g.Aggregate(AgingBuckets.Zero, (a, r) => a.Plus(r.Aging)), invoiced, Dso(open, invoiced));
            }).ToList();
        var listed = ranked.Skip((page - 1) * pageSize).Take(pageSize).Select(r => WithInvoicing(r, facts)).ToList();
        return new ReceivablesReport(facts.AsOf, page, pageSize, ranked.Count, totals, listed);
    }

    /// <summary>Every listed tenant with its DSO (for CSV): the facts must hold every listed tenant's invoicing.</summary>
    public static IReadOnlyList<TenantReceivables> All(ReceivablesFacts facts, IReadOnlyList<TenantReceivables> ranked) => ranked.Select(r => WithInvoicing(r, facts)).ToList();

    /// <summary>The listed tenants in order, with open amounts, aging, credit limit and utilisation; invoicing and DSO not yet filled in.</summary>
    public static IReadOnlyList<TenantReceivables> Rank(ReceivablesFacts facts)
    {
        var open = facts.Open.GroupBy(i => i.TenantId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return open.Keys.Union(facts.Tenants.Keys)
            .Where(facts.Tenants.ContainsKey)
            .Select(id => Row(facts.Tenants[id], open.GetValueOrDefault(id) ?? [], facts.CreditLimits.GetValueOrDefault(id), facts.AsOf))
            .OrderByDescending(r => r.Open).ThenBy(r => r.TenantId, StringComparer.Ordinal).ToList();
    }

    private static TenantReceivables Row(TenantTerms tenant, List<InvoiceStanding> open, decimal? limit, Instant asOf)
    {
        var total = open.Sum(i => i.Open);
        return new TenantReceivables(tenant.TenantId, tenant.Currency, tenant.Zone.Id, total, Aging.Age(open, asOf, tenant.Zone), open.Count,
            open.Count == 0 ? null : open.Min(i => i.DueDate), 0m, null, limit,
            limit is > 0 ? Math.Round(total / limit.Value * 100m, 2, MidpointRounding.AwayFromZero) : null);
    }

    private static TenantReceivables WithInvoicing(TenantReceivables row, ReceivablesFacts facts)
    {
        var invoiced = facts.Invoiced90Days.GetValueOrDefault(row.TenantId);
        return row with { Invoiced90Days = invoiced, DsoDays = Dso(row.Open, invoiced) };
    }

    public static decimal? Dso(decimal open, decimal invoiced90Days) =>
        invoiced90Days > 0 ? Math.Round(open / invoiced90Days * 90m, 1, MidpointRounding.AwayFromZero) : null;
}
