using NodaTime;
using TokenLedger.Receivables.GettingReceivables;

namespace TokenLedger.Receivables.AssessingRisk;

/// <summary>One input of a tenant's risk score: its value, the factor (0–1) it maps to, the weight and the points it contributes.</summary>
public sealed record RiskInput(string Name, decimal? Value, decimal Factor, decimal Weight, decimal Contribution);

public sealed record TenantRisk(
    string TenantId, string Currency, decimal Score, string Rating, decimal Open, AgingBuckets Aging, decimal Provision, IReadOnlyList<RiskInput> Inputs);

public sealed record CurrencyProvision(string Currency, int Tenants, decimal Open, decimal Provision, AgingBuckets Aging, AgingBuckets ProvisionByBucket);

public sealed record LossRates(decimal Current, decimal Days1To30, decimal Days31To60, decimal Days61To90, decimal Over90);

/// <summary>What the risk view reads besides the receivables facts: payment delays in two 90-day windows and 12 months of invoicing.</summary>
public sealed record RiskFacts(
    ReceivablesFacts Receivables, IReadOnlyDictionary<string, (decimal? Recent, decimal? Before)> PaymentDelays, IReadOnlyDictionary<string, decimal> Invoiced365Days);

/// <summary>InputRules says, once per report, how each input's value and factor are computed.</summary>
public sealed record RiskReport(
    Instant AsOf, int Page, int PageSize, int TenantCount, LossRates LossRates, IReadOnlyDictionary<string, string> InputRules,
    IReadOnlyList<CurrencyProvision> Totals, IReadOnlyList<TenantRisk> Tenants);

/// <summary>
/// The risk score (0–100, 1 decimal) is the sum of four weighted inputs, each mapped to a factor between 0 and 1:
/// <list type="bullet">
/// <item>days past due: the oldest open invoice's days past due; factor = min(days, 90) / 90;</item>
/// <item>payment delay trend: mean days-after-due of payment allocations recorded in the last 90 days minus the mean of
/// the 90 days before; factor = clamp(trend / 30, 0, 1); 0 without payments in both windows;</item>
/// <item>credit utilisation: open ÷ credit limit; factor = clamp(ratio, 0, 1); 0 without a limit;</item>
/// <item>exposure relative to history: open ÷ average monthly invoicing over the last 365 days; factor = clamp((ratio − 1) / 2, 0, 1)
/// (one month's invoicing open is normal, three or more is the maximum); with nothing invoiced in the year, 1 if anything is open.</item>
/// </list>
/// Rating: low below 25, medium below 50, high from 50. Provision = Σ open per aging bucket × its loss rate, exact (unrounded).
/// </summary>
public static class RiskAssessment
{
    /// <summary>
    /// Totals over every tenant with something open; the page lists tenants by expected loss (provision) descending, then
    /// open amount, then id, each with its score. The facts' history inputs need only cover the listed tenants.
    /// </summary>
    public static RiskReport Build(RiskFacts facts, RiskOptions options, int page, int pageSize)
    {
        var ranked = Rank(facts.Receivables, options);
        var totals = ranked.GroupBy(r => r.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var aging = g.Aggregate(AgingBuckets.Zero, (a, r) => a.Plus(r.Aging));
            return new CurrencyProvision(g.Key, g.Count(), g.Sum(r => r.Open), ProvisionByBucket(aging, options).Total, aging, ProvisionByBucket(aging, options));
        }).ToList();
        var listed = ranked.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(r => Assess(r with { Invoiced90Days = facts.Receivables.Invoiced90Days.GetValueOrDefault(r.TenantId) }, facts, options)).ToList();
        return new RiskReport(facts.Receivables.AsOf, page, pageSize, ranked.Count, Rates(options), Rules, totals, listed);
    }

    public static IReadOnlyList<TenantReceivables> Rank(ReceivablesFacts facts, RiskOptions options) =>
        ReceivablesReport.Rank(facts).OrderByDescending(r => Provision(r.Aging, options)).ThenByDescending(r => r.Open)
            .ThenBy(r => r.TenantId, StringComparer.Ordinal).ToList();

    public static readonly IReadOnlyDictionary<string, string> Rules = new Dictionary<string, string>
    {
        ["daysPastDue"] = "oldest open invoice's days past due (tenant's zone); factor min(days, 90) / 90",
        ["paymentDelayTrend"] = "mean days after due of payments recorded in the last 90 days minus the 90 days before; factor clamp(trend / 30, 0, 1); 0 without both",
        ["creditUtilisation"] = "open ÷ credit limit; factor clamp(ratio, 0, 1); 0 without a limit",
        ["exposureVsHistory"] = "open ÷ average monthly invoicing over 365 days; factor clamp((ratio − 1) / 2, 0, 1); 1 if open with no invoicing in the year",
    };

    public static LossRates Rates(RiskOptions o) => new(o.LossRateCurrent, o.LossRate1To30, o.LossRate31To60, o.LossRate61To90, o.LossRateOver90);

    public static AgingBuckets ProvisionByBucket(AgingBuckets aging, RiskOptions o) => new(
        aging.Current * o.LossRateCurrent, aging.Days1To30 * o.LossRate1To30, aging.Days31To60 * o.LossRate31To60,
        aging.Days61To90 * o.LossRate61To90, aging.Over90 * o.LossRateOver90);

    public static decimal Provision(AgingBuckets aging, RiskOptions o) => ProvisionByBucket(aging, o).Total;

    public static TenantRisk Assess(TenantReceivables r, RiskFacts facts, RiskOptions o)
    {
        var asOf = facts.Receivables.AsOf;
        var zone = facts.Receivables.Tenants[r.TenantId].Zone;
        var days = r.OldestDueDate is { } due ? Math.Max(0, Aging.DaysPastDue(due, asOf, zone)) : 0;
        var (recent, before) = facts.PaymentDelays.GetValueOrDefault(r.TenantId);
        decimal? trend = recent is { } a && before is { } b ? a - b : null;
        decimal? utilisation = r.CreditLimit is > 0 ? r.Open / r.CreditLimit.Value : null;
        var monthly = facts.Invoiced365Days.GetValueOrDefault(r.TenantId) / 12m;
        decimal? exposure = monthly > 0 ? r.Open / monthly : null;
        RiskInput[] inputs =
        [
            Input("daysPastDue", days, Math.Min(days, 90) / 90m, o.WeightDaysPastDue),
            Input("paymentDelayTrend", trend, trend is { } t ? Clamp(t / 30m) : 0m, o.WeightPaymentDelayTrend),
            Input("creditUtilisation", utilisation, utilisation is { } u ? Clamp(u) : 0m, o.WeightUtilisation),
            Input("exposureVsHistory", exposure, exposure is { } x ? Clamp((x - 1m) / 2m) : r.Open > 0 ? 1m : 0m, o.WeightExposure),
        ];
        var score = Math.Round(inputs.Sum(i => i.Contribution), 1, MidpointRounding.AwayFromZero);
        return new TenantRisk(r.TenantId, r.Currency, score, score < 25 ? "low" : score < 50 ? "medium" : "high", r.Open, r.Aging, Provision(r.Aging, o), inputs);
    }

    private static RiskInput Input(string name, decimal? value, decimal factor, decimal weight) =>
        new(name, value is { } v ? Math.Round(v, 4, MidpointRounding.AwayFromZero) : null, Math.Round(factor, 4, MidpointRounding.AwayFromZero), weight,
            Math.Round(factor * weight, 2, MidpointRounding.AwayFromZero));

    private static decimal Clamp(decimal x) => Math.Clamp(x, 0m, 1m);
}
