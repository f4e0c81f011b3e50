using System.Globalization;
using TokenLedger.Pricing;

namespace TokenLedger.Invoicing;

/// <summary>The unrounded usage of one <see cref="UsageLineKey"/> in the period: its tokens and their retail amount.</summary>
public sealed record UsageGroup(UsageLineKey Key, long Quantity, decimal Unrounded, long Events = 0);

/// <summary>A fee, purchase or deduction from the tenant's account in the period, unrounded (deductions are negative).</summary>
public sealed record AccountCharge(string Kind, string Description, decimal Unrounded);

/// <summary>Everything billed for a period, before rounding. PrepaidUnrounded is wallet money already applied to it.</summary>
public sealed record PeriodActivity(IReadOnlyList<UsageGroup> Usage, IReadOnlyList<AccountCharge> Charges, decimal PrepaidUnrounded);

public sealed record InvoiceFigures(
    IReadOnlyList<InvoiceItem> Lines, decimal Subtotal, decimal TaxTotal, decimal Total, decimal PrepaidApplied, decimal AmountDue);

/// <summary>
/// Turns a period's activity into invoice lines and totals. Each line is rounded once (half away from zero to the
/// currency's minor unit), its tax is rounded once, and every total is a sum of rounded figures: lines always add up.
/// </summary>
public static class InvoiceBuilder
{
    public static readonly string[] TokenClasses = ["input", "cachedInput", "cacheWrite", "output"];

    public static InvoiceFigures Build(PeriodActivity activity, string currency, decimal taxRatePercent)
    {
        var usage = activity.Usage
            .Where(u => u.Quantity != 0)
            .OrderBy(u => u.Key.LateFrom ?? "~", StringComparer.Ordinal)
            .ThenBy(u => u.Key.Model, StringComparer.Ordinal)
            .ThenBy(u => Array.IndexOf(TokenClasses, u.Key.TokenClass))
            .ThenBy(u => u.Key.PriceBook, StringComparer.Ordinal).ThenBy(u => u.Key.Version).ThenBy(u => u.Key.Tier).ThenBy(u => u.Key.Discount)
            .Select(u => Line(InvoiceLineKinds.Usage, Describe(u.Key), u.Key.Model, ClassName(u.Key.TokenClass), u.Quantity,
                Math.Round(u.Unrounded * 1_000_000m / u.Quantity, 6, MidpointRounding.AwayFromZero), u.Unrounded, u.Key) with { Events = u.Events });
        var charges = activity.Charges.Select(c => Line(c.Kind, c.Description, "", "", null, null, c.Unrounded, null));
        var lines = usage.Concat(charges)
            .Select((line, i) => Taxed(line with { Number = i + 1 }, currency, taxRatePercent))
            .ToList();

        var subtotal = lines.Sum(l => l.Amount);
        var taxTotal = lines.Sum(l => l.TaxAmount);
        var total = subtotal + taxTotal;
        var prepaid = InvoiceRounding.RoundLine(activity.PrepaidUnrounded, currency);
        return new InvoiceFigures(lines, subtotal, taxTotal, total, prepaid, Math.Max(0m, total - prepaid));
    }

    public static string ClassName(string tokenClass) => tokenClass switch
    {
        "input" => "Input",
        "cachedInput" => "Cached input",
        "cacheWrite" => "Cache write",
        "output" => "Output",
        _ => tokenClass,
    };

    private static InvoiceItem Line(
        string kind, string description, string model, string tokenClass, long? quantity, decimal? unitPrice, decimal unrounded, UsageLineKey? key) =>
        new(0, kind, description, model, tokenClass, quantity, unitPrice, unrounded, 0m, 0m, key);

    private static InvoiceItem Taxed(InvoiceItem line, string currency, decimal taxRatePercent)
    {
        var amount = InvoiceRounding.RoundLine(line.Unrounded, currency);
        return line with { Amount = amount, TaxAmount = InvoiceRounding.RoundLine(amount * taxRatePercent / 100m, currency) };
    }

    private static string Describe(UsageLineKey key)
    {
        var text = $"{key.Model} {ClassName(key.TokenClass).ToLowerInvariant()} tokens ({key.PriceBook} v{key.Version}";
        if (key.Tier > 0) text += $", tier {key.Tier}";
        if (key.Discount is { } d && d != 0) text += $", {d.ToString("0.####", CultureInfo.InvariantCulture)}% off";
        if (key.LateFrom is { } late) text += $", late usage from {late}";
        return text + ")";
    }
}
