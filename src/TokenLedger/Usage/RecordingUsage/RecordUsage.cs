using NodaTime;

namespace TokenLedger.Usage.RecordingUsage;

public enum UsageItemStatus { Accepted, Duplicate, Rejected }

public sealed record UsageItemOutcome(UsageItem Item, UsageItemStatus Status);

/// <summary>What happened to each item of one caller's message or request, in its order.</summary>
public sealed record UsageOutcomes(IReadOnlyList<UsageItemOutcome> Items)
{
    public int Count(UsageItemStatus status) => Items.Count(o => o.Status == status);
    public IEnumerable<UsageItem> Rejected => Items.Where(o => o.Status == UsageItemStatus.Rejected).Select(o => o.Item);
}

public sealed record RecordUsageDecision(IReadOnlyList<UsageBatchRecorded> Recorded, IReadOnlyList<UsageItemOutcome> Outcomes)
{
    public int Count(UsageItemStatus status) => Outcomes.Count(o => o.Status == status);
}

/// <summary>
/// Decides which items become ledger facts. The caller first reserves the event ids in the deduplication table,
/// inside the transaction that will append the event; <c>reserved</c> are the ids that were not seen before.
/// An id repeated inside one batch counts once, at its first valid occurrence.
/// </summary>
public static class RecordUsage
{
    public const int MaxRecordsPerEvent = 1000;

    public static IReadOnlyList<string> CandidateIds(IEnumerable<UsageItem> items) =>
        items.Where(i => i.IsValid).Select(i => i.Record!.EventId).Distinct(StringComparer.Ordinal).ToList();

    public static RecordUsageDecision Decide(
        IReadOnlyList<UsageItem> items, IReadOnlySet<string> reserved, string batchId, string channel, Instant now)
    {
        var outcomes = Outcomes(items, reserved);
        return new RecordUsageDecision(Events(Accepted(outcomes), batchId, channel, now), outcomes);
    }

    public static IReadOnlyList<UsageItemOutcome> Outcomes(IReadOnlyList<UsageItem> items, IReadOnlySet<string> reserved)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        return items.Select(item => new UsageItemOutcome(item, StatusOf(item, reserved, taken))).ToList();
    }

    public static IEnumerable<UsageRecord> Accepted(IEnumerable<UsageItemOutcome> outcomes) =>
        outcomes.Where(o => o.Status == UsageItemStatus.Accepted).Select(o => o.Item.Record!);

    public static IReadOnlyList<UsageBatchRecorded> Events(IEnumerable<UsageRecord> records, string batchId, string channel, Instant now) =>
        records.Chunk(MaxRecordsPerEvent)
            .Select((chunk, n) => new UsageBatchRecorded(n == 0 ? batchId : $"{batchId}-{n}", channel, now, chunk))
            .ToList();

    private static UsageItemStatus StatusOf(UsageItem item, IReadOnlySet<string> reserved, HashSet<string> taken)
    {
        if (!item.IsValid) return UsageItemStatus.Rejected;
        var id = item.Record!.EventId;
        return reserved.Contains(id) && taken.Add(id) ? UsageItemStatus.Accepted : UsageItemStatus.Duplicate;
    }
}
