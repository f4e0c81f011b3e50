using NodaTime;
using TokenLedger.Contracts.Usage;
using Wolverine;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>
/// What both usage queues do with one raw delivery. The listeners run inline, so Wolverine acknowledges the delivery
/// only after this returns: after the usage is committed (group commit) and the refusals are published. A crash before
/// that redelivers the message, and the reserved event ids make the replay a no-op.
/// </summary>
public static class UsageQueue
{
    public static async Task RecordAsync(
        byte[] body, string? contentType, Func<byte[], IReadOnlyList<UsageItem>> read,
        UsageCommitter committer, IMessageContext bus, IClock clock, CancellationToken ct)
    {
        var items = IsJson(contentType)
            ? read(body)
            : [UsageMessage.Refuse(body, $"content type '{contentType}' is not supported; publish application/json")];
        var outcomes = await committer.RecordAsync(items, IngestChannels.Amqp, ct);

        var receivedAt = clock.GetCurrentInstant().ToDateTimeOffset();
        foreach (var refused in outcomes.Rejected)
        {
            var letter = new UsageDeadLetterV1(refused.Reason, refused.Errors.Select(e => new UsageFieldErrorV1(e.Field, e.Message)).ToList(),
                refused.Index, refused.EventId, refused.RawText, receivedAt);
            await bus.SendAsync(letter, new DeliveryOptions().WithHeader("x-tokenledger-reason", Truncate(letter.Reason)));
        }
    }

    private static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType) || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("text/json", StringComparison.OrdinalIgnoreCase);

    private static string Truncate(string reason) => reason.Length <= 1000 ? reason : reason[..1000];
}
