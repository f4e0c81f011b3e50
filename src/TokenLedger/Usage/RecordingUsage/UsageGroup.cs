using NodaTime;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>
/// Decides a group commit: requests are taken in arrival order, each freshly reserved id is granted to the first
/// request that carries it, and the accepted records of all requests of one channel share one ledger event
/// (split every <see cref="RecordUsage.MaxRecordsPerEvent"/> records).
/// </summary>
public static class UsageGroup
{
    public sealed record Decision(IReadOnlyList<UsageBatchRecorded> Recorded, IReadOnlyList<UsageOutcomes> PerRequest);

    public static Decision Decide(
        IReadOnlyList<(IReadOnlyList<UsageItem> Items, string Channel)> requests, IReadOnlySet<string> reserved, string batchId, Instant now)
    {
        var unclaimed = new HashSet<string>(reserved, StringComparer.Ordinal);
        var perRequest = requests.Select(request =>
        {
            var mine = RecordUsage.CandidateIds(request.Items).Where(unclaimed.Remove).ToHashSet(StringComparer.Ordinal);
            return new UsageOutcomes(RecordUsage.Outcomes(request.Items, mine));
        }).ToList();

        var recorded = requests.Select((request, i) => (request.Channel, Outcomes: perRequest[i]))
            .GroupBy(r => r.Channel)
            .SelectMany(channel => RecordUsage.Events(
                channel.SelectMany(r => RecordUsage.Accepted(r.Outcomes.Items)), $"{batchId}-{channel.Key}", channel.Key, now))
            .ToList();
        return new Decision(recorded, perRequest);
    }
}
