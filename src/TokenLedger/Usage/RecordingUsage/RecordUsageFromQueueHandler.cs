using NodaTime;
using Wolverine;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>Handles one raw delivery from <c>tokenledger.usage.v1</c> (see <see cref="UsageQueue"/>).</summary>
public static class RecordUsageFromQueueHandler
{
    public static Task Handle(RawUsageMessage message, UsageCommitter committer, IMessageContext bus, IClock clock, CancellationToken ct) =>
        UsageQueue.RecordAsync(message.Body, message.ContentType, body => committer.Read(body), committer, bus, clock, ct);
}
