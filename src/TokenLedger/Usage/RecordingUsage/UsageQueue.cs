using NodaTime;
using TokenLedger.Contracts.Usage;
using Wolverine;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>What both usage queues share: which content types are read, and how refused items are dead-lettered.</summary>
public static class UsageQueue
{
    public static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType) || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("text/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Publishes each refused item to <c>tokenledger.usage.v1.dead-letter</c> with its reasons.</summary>
    public static async Task DeadLetterAsync(UsageOutcomes outcomes, IMessageBus bus, IClock clock)
    {
        var receivedAt = clock.GetCurrentInstant().ToDateTimeOffset();
        foreach (var refused in outcomes.Rejected)
        {
            var letter = new UsageDeadLetterV1(refused.Reason, refused.Errors.Select(e => new UsageFieldErrorV1(e.Field, e.Message)).ToList(),
                refused.Index, refused.EventId, refused.RawText, receivedAt);
            await bus.SendAsync(letter, new DeliveryOptions().WithHeader("x-tokenledger-reason", Truncate(letter.Reason)));
        }
    }

    private static string Truncate(string reason) => reason.Length <= 1000 ? reason : reason[..1000];
}
