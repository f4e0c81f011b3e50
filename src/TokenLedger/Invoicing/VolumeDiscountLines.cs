using System.Globalization;
using Marten;
using NodaTime;
using Npgsql;
using TokenLedger.Balances;
using TokenLedger.Pricing;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Invoicing;

/// <summary>
/// The volume discount lines of an invoice: the retail volume schedules settled over the period's own usage that the
/// invoice bills (late usage of earlier periods is not counted again), one negative line per schedule and tier reached,
/// unrounded here and rounded once by <see cref="InvoiceBuilder"/> like every line. The part of an event a plan or a
/// token package paid for is prepaid in tokens, so it counts toward the volume but is not discounted: the event's
/// discount is scaled by (amount − plan and package allocations) / amount.
/// </summary>
public static class VolumeDiscountLines
{
    public static async Task<IReadOnlyList<AccountCharge>> SettleAsync(
        NpgsqlConnection connection, string schema, IQuerySession session, string invoiceId, Interval period, IEnumerable<object> account, CancellationToken ct)
    {
        var tiers = await VolumeDiscounts.SettleAsync(connection, schema, session, VolumeScope.Invoice(invoiceId, period, schema), ct);
        return tiers.Count == 0 ? [] : Lines(tiers, account);
    }

    /// <summary>One line per tier reached, less the plan- and package-paid share of each event. Pure.</summary>
    public static IReadOnlyList<AccountCharge> Lines(IReadOnlyList<VolumeTierDiscount> tiers, IEnumerable<object> account)
    {
        var prepaidInTokens = account.OfType<UsageFunded>().SelectMany(f => f.Items)
            .Select(i => (i.EventId, i.Amount, Tokens: i.Allocations.Where(a => a.Source is FundingSources.Plan or FundingSources.Package).Sum(a => a.Amount)))
            .Where(i => i.Tokens != 0)
            .GroupBy(i => i.EventId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        return [.. tiers.Select(t => new AccountCharge(InvoiceLineKinds.VolumeDiscount, Describe(t),
            -t.Events.Sum(e => prepaidInTokens.TryGetValue(e.EventId, out var p) && p.Amount != 0 ? e.Discount * (p.Amount - p.Tokens) / p.Amount : e.Discount)))];
    }

    /// <summary>"Volume discount, deepseek-v4-pro, tier 2 (&gt; 100,000,000 tokens): 10% off 40,000,000 of 140,000,000 tokens".</summary>
    public static string Describe(VolumeTierDiscount t)
    {
        var head = $"Volume discount, {t.Schedule.Name}, tier {t.Tier} (> {N(t.Reached.AboveTokens)} tokens): {ExactDecimal.ToInvariantString(t.Reached.DiscountPercent)}% off ";
        return t.Schedule.Mode == VolumeModes.Volume
            ? head + $"all {N(t.PeriodTokens)} tokens"
            : head + $"{N(t.TokensDiscounted)} of {N(t.PeriodTokens)} tokens";
    }

    private static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
