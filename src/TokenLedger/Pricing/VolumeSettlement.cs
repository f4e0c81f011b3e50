using System.Globalization;
using NodaTime;

namespace TokenLedger.Pricing;

/// <summary>
/// A graduated volume discount: once a tenant's (or distributor's) cumulative tokens of <see cref="Classes"/> in a billing
/// period are above <see cref="AboveTokens"/>, the tokens beyond it are <see cref="DiscountPercent"/> cheaper in those classes,
/// until the next higher tier over the same classes takes over.
/// </summary>
public sealed record VolumeTier(long AboveTokens, IReadOnlyList<TokenClass> Classes, decimal DiscountPercent);

/// <summary>The volume tiers of a price plan. Tiers over the same classes form bands; different class sets must not overlap.</summary>
public sealed record VolumeSchedule(IReadOnlyList<VolumeTier> Tiers)
{
    /// <summary>What makes the schedule unusable, empty if nothing. <see cref="VolumeSettlement.Settle"/> refuses a schedule with problems.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        for (var i = 0; i < Tiers.Count; i++)
        {
            var tier = Tiers[i];
            if (tier is null)
            {
                problems.Add($"tiers[{i}] is missing");
                continue;
            }
            if (tier.AboveTokens < 0)
                problems.Add(Invariant($"tiers[{i}].aboveTokens must be 0 or more, not {tier.AboveTokens}"));
            if (tier.DiscountPercent is < 0 or > 100)
                problems.Add(Invariant($"tiers[{i}].discountPercent must be between 0 and 100, not {tier.DiscountPercent}"));
            if (tier.Classes is null || tier.Classes.Count == 0)
                problems.Add($"tiers[{i}].classes must list at least one token class");
            else if (tier.Classes.Distinct().Count() != tier.Classes.Count)
                problems.Add($"tiers[{i}].classes lists a token class more than once");
            else if (tier.Classes.Any(c => !Enum.IsDefined(c)))
                problems.Add($"tiers[{i}].classes has an unknown token class");
        }
        if (problems.Count > 0) return problems;

        for (var i = 0; i < Tiers.Count; i++)
        for (var j = i + 1; j < Tiers.Count; j++)
        {
            var a = VolumeSettlement.Mask(Tiers[i].Classes);
            var b = VolumeSettlement.Mask(Tiers[j].Classes);
            if (a == b && Tiers[i].AboveTokens == Tiers[j].AboveTokens)
                problems.Add(Invariant($"tiers[{i}] and tiers[{j}] count the same classes and both start above {Tiers[i].AboveTokens} tokens"));
            else if (a != b && (a & b) != 0)
                problems.Add($"tiers[{i}] ({string.Join(", ", Tiers[i].Classes)}) and tiers[{j}] ({string.Join(", ", Tiers[j].Classes)}) " +
                             "count overlapping but different classes, so a class could be discounted twice");
        }
        return problems;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One rated usage event of the period, as volume settlement needs it.</summary>
public sealed record RatedUsage(string EventId, Instant OccurredAt, TokenCounts Tokens, Charge Charge);

/// <summary>
/// What one event contributed to a discount line: <see cref="TokensInBand"/> of its <see cref="CountedTokens"/> (tokens of
/// the tier's classes) fell in the tier's band, so that share of <see cref="ClassAmount"/> is discounted.
/// </summary>
public sealed record VolumeDiscountContribution(
    string EventId, Instant OccurredAt, long TokensInBand, long CountedTokens, decimal ClassAmount, decimal Discount);

/// <summary>
/// One invoice discount line: tier <see cref="Tier"/> applied to class <see cref="Class"/>. <see cref="Discount"/> is a
/// positive, unrounded amount to subtract; <see cref="Contributions"/> are the events behind it, in settlement order.
/// The band is (Tier.AboveTokens, <see cref="UpToTokens"/>], open-ended when UpToTokens is null.
/// </summary>
public sealed record VolumeDiscountLine(
    VolumeTier Tier,
    long? UpToTokens,
    TokenClass Class,
    long TokensInBand,
    decimal Discount,
    IReadOnlyList<VolumeDiscountContribution> Contributions);

/// <summary>The cumulative tokens of a period over one set of counted classes.</summary>
public sealed record VolumeCount(IReadOnlyList<TokenClass> Classes, long Tokens);

/// <summary>The volume discounts of a period; <see cref="Currency"/> is null when there were no charges.</summary>
public sealed record VolumeSettlementResult(string? Currency, IReadOnlyList<VolumeDiscountLine> Lines, IReadOnlyList<VolumeCount> Counts)
{
    public decimal TotalDiscount => Lines.Sum(l => l.Discount);
}

/// <summary>
/// Volume tiers are settled at period close, so the result never depends on the order events arrived in: the period's
/// events are ordered by (OccurredAt, EventId ordinal), the tokens of each tier's classes are accumulated in that order,
/// and an event whose tokens straddle a threshold is split: only its tokens above the threshold are discounted, as the
/// same share of each affected class amount (tokens in band / event's counted tokens × class amount × discount %).
/// Discounts apply to the charges as rated (after time-of-day and promotion discounts), so they compound with them.
/// </summary>
public static class VolumeSettlement
{
    public static VolumeSettlementResult Settle(VolumeSchedule schedule, IEnumerable<RatedUsage> usage)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(usage);
        var problems = schedule.Problems();
        if (problems.Count > 0)
            throw new ArgumentException("the volume schedule cannot be settled: " + string.Join("; ", problems), nameof(schedule));

        var events = usage.ToList();
        string? currency = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e?.Tokens is null || e.Charge is null || e.EventId is null)
                throw new ArgumentException("every rated usage needs an event id, token counts and a charge", nameof(usage));
            if (!seen.Add(e.EventId))
                throw new ArgumentException($"event '{e.EventId}' is listed more than once", nameof(usage));
            if (e.Tokens.Input < 0 || e.Tokens.CachedInput < 0 || e.Tokens.CacheWrite < 0 || e.Tokens.Output < 0)
                throw new ArgumentException($"event '{e.EventId}' has negative token counts", nameof(usage));
            currency ??= e.Charge.Currency;
            if (e.Charge.Currency != currency)
                throw new ArgumentException(
                    $"event '{e.EventId}' is charged in {e.Charge.Currency}, others in {currency}: settle each currency on its own", nameof(usage));
        }
        events.Sort(static (a, b) => a.OccurredAt != b.OccurredAt
            ? a.OccurredAt.CompareTo(b.OccurredAt)
            : string.CompareOrdinal(a.EventId, b.EventId));

        var lines = new List<VolumeDiscountLine>();
        var counts = new List<VolumeCount>();
        // Tiers over the same classes form graduated bands: (T1, T2], (T2, T3], …, (Tn, ∞).
        foreach (var group in schedule.Tiers.GroupBy(t => Mask(t.Classes)).OrderBy(g => g.Min(t => t.AboveTokens)))
        {
            var tiers = group.OrderBy(t => t.AboveTokens).ToArray();
            var classes = tiers[0].Classes;
            var contributions = tiers.Select(t => t.Classes.Select(_ => new List<VolumeDiscountContribution>()).ToArray()).ToArray();
            var inBandTotals = new long[tiers.Length];
            long cumulative = 0;
            foreach (var e in events)
            {
                long counted = 0;
                foreach (var c in classes) counted = checked(counted + TokensOf(e.Tokens, c));
                if (counted == 0) continue;
                var before = cumulative;
                var after = checked(cumulative + counted);
                cumulative = after;
                for (var t = 0; t < tiers.Length; t++)
                {
                    var lo = tiers[t].AboveTokens;
                    var hi = t + 1 < tiers.Length ? tiers[t + 1].AboveTokens : long.MaxValue;
                    var inBand = Math.Min(after, hi) - Math.Max(before, lo);
                    if (inBand <= 0) continue;
                    inBandTotals[t] += inBand;
                    for (var k = 0; k < tiers[t].Classes.Count; k++)
                    {
                        if (TokensOf(e.Tokens, tiers[t].Classes[k]) == 0) continue; // nothing of this class to discount
                        var amount = AmountOf(e.Charge, tiers[t].Classes[k]);
                        contributions[t][k].Add(new VolumeDiscountContribution(
                            e.EventId, e.OccurredAt, inBand, counted, amount, Discount(amount, inBand, counted, tiers[t].DiscountPercent)));
                    }
                }
            }
            counts.Add(new VolumeCount(classes, cumulative));
            for (var t = 0; t < tiers.Length; t++)
            {
                if (inBandTotals[t] == 0) continue;
                long? upTo = t + 1 < tiers.Length ? tiers[t + 1].AboveTokens : null;
                for (var k = 0; k < tiers[t].Classes.Count; k++)
                {
                    var list = contributions[t][k];
                    lines.Add(new VolumeDiscountLine(tiers[t], upTo, tiers[t].Classes[k], inBandTotals[t], list.Sum(c => c.Discount), list));
                }
            }
        }
        return new VolumeSettlementResult(currency, lines, counts);
    }

    /// <summary>classAmount × inBand / counted × percent / 100, with a single (28-digit) division when the event is split.</summary>
    private static decimal Discount(decimal classAmount, long inBand, long counted, decimal percent)
    {
        var share = classAmount * percent;
        if (inBand != counted) share = share * inBand / counted;
        return ExactDecimal.DivideByPowerOfTen(share, 2);
    }

    internal static int Mask(IEnumerable<TokenClass> classes) => classes.Aggregate(0, (m, c) => m | (1 << (int)c));

    public static long TokensOf(TokenCounts tokens, TokenClass tokenClass) => tokenClass switch
    {
        TokenClass.Input => tokens.Input,
        TokenClass.CachedInput => tokens.CachedInput,
        TokenClass.CacheWrite => tokens.CacheWrite,
        TokenClass.Output => tokens.Output,
        _ => throw new ArgumentOutOfRangeException(nameof(tokenClass), tokenClass, null),
    };

    public static decimal AmountOf(Charge charge, TokenClass tokenClass) => tokenClass switch
    {
        TokenClass.Input => charge.Input,
        TokenClass.CachedInput => charge.CachedInput,
        TokenClass.CacheWrite => charge.CacheWrite,
        TokenClass.Output => charge.Output,
        _ => throw new ArgumentOutOfRangeException(nameof(tokenClass), tokenClass, null),
    };
}
