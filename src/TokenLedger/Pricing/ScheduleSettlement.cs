namespace TokenLedger.Pricing;

/// <summary>
/// Settles the volume schedules of one price book version over a billing period's rated usage of that book. Pure and
/// order-independent: each schedule takes the events whose charge names one of its models, ordered by (occurredAt,
/// event id ordinal). Graduated schedules go through <see cref="VolumeSettlement"/> (the event straddling a threshold is
/// split); a volume schedule finds the highest tier the period's total is strictly above and takes its percent off every
/// counted class amount of the period. Schedules are settled in the order the version lists them, tiers ascending.
/// </summary>
public static class ScheduleSettlement
{
    public static IReadOnlyList<VolumeTierDiscount> Settle(string priceBookId, IReadOnlyList<ModelVolumeSchedule> schedules, IEnumerable<RatedUsage> usage)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        var events = usage.ToList();
        var settled = new List<VolumeTierDiscount>();
        foreach (var schedule in schedules)
        {
            var models = schedule.Models.ToHashSet(StringComparer.Ordinal);
            var mine = events.Where(e => models.Contains(e.Charge.Model)).ToList();
            if (mine.Count == 0) continue;
            settled.AddRange(schedule.Mode == VolumeModes.Volume ? AllUnits(priceBookId, schedule, mine) : Graduated(priceBookId, schedule, mine));
        }
        return settled;
    }

    private static IEnumerable<VolumeTierDiscount> Graduated(string priceBookId, ModelVolumeSchedule schedule, List<RatedUsage> events)
    {
        var tiers = schedule.Tiers.OrderBy(t => t.AboveTokens).ToArray();
        var result = VolumeSettlement.Settle(new VolumeSchedule([.. tiers.Select(t => new VolumeTier(t.AboveTokens, schedule.Classes, t.DiscountPercent))]), events);
        var periodTokens = result.Counts.Sum(c => c.Tokens);
        var models = events.ToDictionary(e => e.EventId, e => e.Charge.Model, StringComparer.Ordinal);
        for (var t = 0; t < tiers.Length; t++)
        {
            var lines = result.Lines.Where(l => l.Tier.AboveTokens == tiers[t].AboveTokens).ToList();
            if (lines.Count == 0 || tiers[t].DiscountPercent == 0) continue;
            var perEvent = lines.SelectMany(l => l.Contributions)
                .GroupBy(c => (c.EventId, c.OccurredAt))
                .Select(g => new EventVolumeDiscount(g.Key.EventId, g.Key.OccurredAt, models[g.Key.EventId], g.Sum(c => c.Discount)))
                .OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId, StringComparer.Ordinal)
                .ToList();
            yield return new VolumeTierDiscount(priceBookId, schedule, t + 1, tiers[t], periodTokens, lines[0].TokensInBand, perEvent.Sum(e => e.Discount), perEvent);
        }
    }

    private static IEnumerable<VolumeTierDiscount> AllUnits(string priceBookId, ModelVolumeSchedule schedule, List<RatedUsage> events)
    {
        var tiers = schedule.Tiers.OrderBy(t => t.AboveTokens).ToArray();
        long total = 0;
        foreach (var e in events)
        foreach (var c in schedule.Classes)
            total = checked(total + VolumeSettlement.TokensOf(e.Tokens, c));
        var reached = Array.FindLastIndex(tiers, t => total > t.AboveTokens);
        if (reached < 0 || tiers[reached].DiscountPercent == 0) yield break;
        var percent = tiers[reached].DiscountPercent;
        var perEvent = events
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId, StringComparer.Ordinal)
            .Where(e => schedule.Classes.Any(c => VolumeSettlement.TokensOf(e.Tokens, c) != 0))
            .Select(e => new EventVolumeDiscount(e.EventId, e.OccurredAt, e.Charge.Model,
                ExactDecimal.DivideByPowerOfTen(schedule.Classes.Where(c => VolumeSettlement.TokensOf(e.Tokens, c) != 0)
                    .Sum(c => VolumeSettlement.AmountOf(e.Charge, c)) * percent, 2)))
            .ToList();
        yield return new VolumeTierDiscount(priceBookId, schedule, reached + 1, tiers[reached], total, total, perEvent.Sum(e => e.Discount), perEvent);
    }
}
