using NodaTime;

namespace TokenLedger.Usage;

/// <summary>
/// Usage events that arrived together (one broker batch or one HTTP call) and were seen for the first time.
/// One Marten event carries many records so that the append cost is paid once per batch, not once per record;
/// every record keeps its own <see cref="UsageRecord.EventId"/>, which is unique across the whole ledger.
/// </summary>
public sealed record UsageBatchRecorded(string BatchId, string Channel, Instant RecordedAt, IReadOnlyList<UsageRecord> Records);

public static class UsageStreams
{
    public static string ForBatch(string batchId) => $"urn:usage-batch:{batchId}";
}

public static class IngestChannels
{
    public const string Amqp = "amqp";
    public const string Http = "http";
}
