using NodaTime;
using TokenLedger.Pricing;

namespace TokenLedger.Prepayment.GettingExposure;

/// <summary>Wholesale cost of drawn usage of one tenant, on one invoice (null: not on any), in one age bucket.</summary>
public sealed record DrawnUsage(string TenantId, string? InvoiceId, string AgeBucket, decimal Cost);

/// <summary>An invoice as it stood at the as-of instant: issued when, its total, and what was still open (not paid, not written off).</summary>
public sealed record BilledInvoice(string InvoiceId, Instant IssuedAt, decimal Total, decimal Open);

public sealed record TenantExposure(string TenantId, decimal NotYetBilled, decimal BilledUnpaid, decimal Unrecovered, decimal Exposure);

public sealed record AgeExposure(string Bucket, decimal Unrecovered, decimal Exposure);

/// <summary>
/// Prepayment exposure of a distributor as of an instant: of the cash it paid upstream, how much usage has consumed that
/// its customers have not yet paid for. Amounts in the prepayment currency, rounded half-up to its minor unit; the
/// tenant and age rows of <see cref="Exposure"/> are apportioned by largest remainder, so each list sums to the total.
/// </summary>
public sealed record ExposureReport(
    string DistributorId, Instant AsOf, string? Currency, decimal Deposits, decimal Consumed, decimal PrepaidConsumed,
    decimal NotYetBilled, decimal BilledUnpaid, decimal Unrecovered, decimal Exposure,
    IReadOnlyList<TenantExposure> ByTenant, IReadOnlyList<AgeExposure> ByAge);

public static class Exposure
{
    public static readonly string[] AgeBuckets = ["0-30", "31-60", "61-90", "91+"];

    /// <summary>The age bucket of usage <paramref name="days"/> whole days (24 h) old at the as-of instant.</summary>
    public static string AgeBucket(long days) => days switch { <= 30 => "0-30", <= 60 => "31-60", <= 90 => "61-90", _ => "91+" };

    public static ExposureReport Compute(
        string distributorId, Instant asOf, string? currency, decimal deposits, decimal consumed,
        IReadOnlyList<DrawnUsage> usage, IReadOnlyDictionary<string, BilledInvoice> invoices)
    {
        var rows = usage.Select(u => (u.TenantId, u.AgeBucket, Split: Unpaid(u, asOf, invoices))).ToList();
        var prepaidConsumed = Math.Max(0m, Math.Min(deposits, consumed));
        var unrecovered = rows.Sum(r => r.Split.NotYetBilled + r.Split.BilledUnpaid);
        var minor = InvoiceRounding.MinorUnits(currency ?? "");
        var exposure = Math.Round(Math.Min(prepaidConsumed, unrecovered), minor, MidpointRounding.AwayFromZero);

        var tenants = rows.GroupBy(r => r.TenantId, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Nyb: g.Sum(r => r.Split.NotYetBilled), Bu: g.Sum(r => r.Split.BilledUnpaid))).ToList();
        var tenantShares = Apportion(exposure, tenants.Select(t => t.Nyb + t.Bu).ToList(), minor);
        var byTenant = tenants.Select((t, i) => new TenantExposure(t.Id, Round(t.Nyb, minor), Round(t.Bu, minor), Round(t.Nyb + t.Bu, minor), tenantShares[i]))
            .OrderByDescending(t => t.Exposure).ThenBy(t => t.TenantId, StringComparer.Ordinal).ToList();

        var ages = AgeBuckets.Select(b => rows.Where(r => r.AgeBucket == b).Sum(r => r.Split.NotYetBilled + r.Split.BilledUnpaid)).ToList();
        var ageShares = Apportion(exposure, ages, minor);
        var byAge = AgeBuckets.Select((b, i) => new AgeExposure(b, Round(ages[i], minor), ageShares[i])).ToList();

        return new ExposureReport(distributorId, asOf, currency, Round(deposits, minor), Round(consumed, minor), Round(prepaidConsumed, minor),
            Round(rows.Sum(r => r.Split.NotYetBilled), minor), Round(rows.Sum(r => r.Split.BilledUnpaid), minor), Round(unrecovered, minor),
            exposure, byTenant, byAge);
    }

    /// <summary>Usage not on an invoice issued by the as-of instant is unbilled in full; billed usage is unpaid in the invoice's open share.</summary>
    private static (decimal NotYetBilled, decimal BilledUnpaid) Unpaid(DrawnUsage u, Instant asOf, IReadOnlyDictionary<string, BilledInvoice> invoices)
    {
        if (u.InvoiceId is null || !invoices.TryGetValue(u.InvoiceId, out var invoice) || invoice.IssuedAt > asOf) return (u.Cost, 0m);
        return (0m, invoice.Total <= 0 ? 0m : u.Cost * Math.Clamp(invoice.Open / invoice.Total, 0m, 1m));
    }

    /// <summary>Splits <paramref name="total"/> in proportion to <paramref name="weights"/>, in minor units, largest remainders first.</summary>
    public static IReadOnlyList<decimal> Apportion(decimal total, IReadOnlyList<decimal> weights, int minor)
    {
        var sum = weights.Sum();
        if (weights.Count == 0) return [];
        if (sum <= 0) return weights.Select(_ => 0m).ToList();
        var unit = 1m;
        for (var i = 0; i < minor; i++) unit /= 10;
        var exact = weights.Select(w => total * w / sum).ToList();
        var shares = exact.Select(e => Math.Floor(e / unit) * unit).ToList();
        var left = (int)Math.Round((total - shares.Sum()) / unit);
        foreach (var i in Enumerable.Range(0, weights.Count).OrderByDescending(i => exact[i] - shares[i]).ThenBy(i => i).Take(left))
            shares[i] += unit;
        return shares;
    }

    private static decimal Round(decimal amount, int minor) => Math.Round(amount, minor, MidpointRounding.AwayFromZero);
}
