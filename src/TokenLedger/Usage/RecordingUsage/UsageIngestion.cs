using Marten;
using NodaTime;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>
/// Shared by the AMQP batch handler and the HTTP endpoint: reserves ids, decides, and appends one
/// <see cref="UsageBatchRecorded"/> to a new stream, all on the caller's session (committed by the caller).
/// </summary>
public sealed class UsageIngestion(IClock clock)
{
    public async Task<RecordUsageDecision> RecordAsync(IDocumentSession session, IReadOnlyList<UsageItem> items, string channel, CancellationToken ct)
    {
        var reserved = await UsageEventIds.ReserveAsync(session, RecordUsage.CandidateIds(items), ct);
        var decision = RecordUsage.Decide(items, reserved, Guid.CreateVersion7().ToString("N"), channel, clock.GetCurrentInstant());
        foreach (var recorded in decision.Recorded)
            session.Events.StartStream(UsageStreams.ForBatch(recorded.BatchId), recorded);
        return decision;
    }

    public IReadOnlyList<UsageItem> Read(ReadOnlyMemory<byte> body) => UsageMessage.Read(body, clock.GetCurrentInstant());
}
