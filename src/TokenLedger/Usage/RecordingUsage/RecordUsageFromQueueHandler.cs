using Marten;
using NodaTime;
using TokenLedger.Contracts.Usage;
using Wolverine;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>
/// Records a batch of raw messages from <c>tokenledger.usage.v1</c> in one transaction: ids reserved, one ledger
/// event appended, refusals queued to the dead-letter queue through the outbox. The durable inbox settles the
/// broker messages only after this commits, so a crash replays the batch and the reserved ids make it a no-op.
/// </summary>
public static class RecordUsageFromQueueHandler
{
    public static async Task Handle(
        RawUsageMessage[] batch, IDocumentSession session, UsageIngestion ingestion, UsageMetrics metrics,
        IMessageContext bus, IClock clock, CancellationToken ct)
    {
        var items = batch.SelectMany(ReadItems(ingestion)).ToList();
        var decision = await ingestion.RecordAsync(session, items, IngestChannels.Amqp, ct);

        var receivedAt = clock.GetCurrentInstant().ToDateTimeOffset();
        foreach (var refused in decision.Outcomes.Where(o => o.Status == UsageItemStatus.Rejected))
        {
            var letter = new UsageDeadLetterV1(refused.Item.Reason,
                refused.Item.Errors.Select(e => new UsageFieldErrorV1(e.Field, e.Message)).ToList(),
                refused.Item.Index, refused.Item.EventId, refused.Item.RawText, receivedAt);
            await bus.SendAsync(letter, new DeliveryOptions().WithHeader("x-tokenledger-reason", Truncate(letter.Reason)));
        }
        metrics.Record(decision, IngestChannels.Amqp);
    }

    private static Func<RawUsageMessage, IEnumerable<UsageItem>> ReadItems(UsageIngestion ingestion) => message =>
        IsJson(message.ContentType)
            ? ingestion.Read(message.Body)
            : [UsageMessage.Refuse(message.Body, $"content type '{message.ContentType}' is not supported; publish application/json")];

    private static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType) || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("text/json", StringComparison.OrdinalIgnoreCase);

    private static string Truncate(string reason) => reason.Length <= 1000 ? reason : reason[..1000];
}
