using NodaTime;

namespace TokenLedger.Usage.RecordingUsage;

public enum UsageItemStatus { Accepted, Duplicate, Rejected }

public sealed record UsageItemOutcome(UsageItem Item, UsageItemStatus Status);

public sealed record RecordUsageDecision(IReadOnlyList<UsageBatchRecorded> Recorded, IReadOnlyList<UsageItemOutcome> Outcomes)
{
    public int Count(UsageItemStatus status) => Outcomes.Count(o => o.Status == status);
}

/// <summary>
/// Decides which items of a batch become ledger facts. The caller first reserves the batch's event ids in the
/// deduplication table (inside the same transaction that will append the event); <paramref name="reserved"/> are
/// the ids that were not seen before. An id repeated inside one batch counts once, at its first valid occurrence.
/// </summary>
public static class RecordUsage
{
    public const int MaxRecordsPerEvent = 1000;

    public static IReadOnlyList<string> CandidateIds(IEnumerable<UsageItem> items) =>
        items.Where(i => i.IsValid).Select(i => i.Record!.EventId).Distinct(StringComparer.Ordinal).ToList();

    public static RecordUsageDecision Decide(
        IReadOnlyList<UsageItem> items, IReadOnlySet<string> reserved, string batchId, string channel, Instant now)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = items.Select(item => new UsageItemOutcome(item, StatusOf(item, reserved, taken))).ToList();
        var records = outcomes.Where(o => o.Status == UsageItemStatus.Accepted).Select(o => o.Item.Record!).ToList();
        var recorded = records.Chunk(MaxRecordsPerEvent)
            .Select((chunk, n) => new UsageBatchRecorded(n == 0 ? batchId : $"{batchId}-{n}", channel, now, chunk))
            .ToList();
        return new RecordUsageDecision(recorded, outcomes);
    }

    private static UsageItemStatus StatusOf(UsageItem item, IReadOnlySet<string> reserved, HashSet<string> taken)
    {
        if (!item.IsValid) return UsageItemStatus.Rejected;
        var id = item.Record!.EventId;
        return reserved.Contains(id) && taken.Add(id) ? UsageItemStatus.Accepted : UsageItemStatus.Duplicate;
    }
}
