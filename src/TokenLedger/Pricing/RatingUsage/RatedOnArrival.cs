using JasperFx.Events;
using TokenLedger.Usage;

namespace TokenLedger.Pricing.RatingUsage;

/// <summary>
/// A batch rated as it was recorded: the group commit appends <see cref="UsageBatchRecorded"/> and its
/// <see cref="UsageBatchRated"/> one after the other in the batch's stream, the rating covering the batch's records in
/// order. Its records are new, so that rating is the first of each of them.
/// </summary>
public static class RatedOnArrival
{
    /// <summary>The batch the rating at <paramref name="index"/> was appended with, when that batch is the event right before it.</summary>
    public static IEvent<UsageBatchRecorded>? BatchOf(IReadOnlyList<IEvent> events, int index)
    {
        if (index < 1 || events[index] is not IEvent<UsageBatchRated> rated || events[index - 1] is not IEvent<UsageBatchRecorded> recorded) return null;
        if (rated.StreamKey != recorded.StreamKey || rated.Data.BatchId != recorded.Data.BatchId) return null;
        var (records, ratings) = (recorded.Data.Records, rated.Data.Ratings);
        if (records.Count != ratings.Count) return null;
        for (var i = 0; i < records.Count; i++)
            if (records[i].EventId != ratings[i].EventId) return null;
        return recorded;
    }
}
