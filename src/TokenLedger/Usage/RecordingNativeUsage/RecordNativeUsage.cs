using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Usage.RecordingUsage;
using Wolverine;
using Wolverine.Attributes;

namespace TokenLedger.Usage.RecordingNativeUsage;

/// <summary>A raw message body from <c>tokenledger.usage-native.v1</c>: provider-native usage envelopes.</summary>
[MessageIdentity(MessageTypeName)]
public sealed record RawNativeUsageMessage(byte[] Body, string? ContentType)
{
    public const string MessageTypeName = "tokenledger.usage-native.raw";
    public const string QueueName = "tokenledger.usage-native.v1";
}

public static class RecordNativeUsageFromQueueHandler
{
    public static Task Handle(RawNativeUsageMessage message, UsageCommitter committer, IMessageContext bus, IClock clock, CancellationToken ct) =>
        UsageQueue.RecordAsync(message.Body, message.ContentType, body => UsageMessage.Read(body, clock.GetCurrentInstant(), NativeUsage.ReadDraft),
            committer, bus, clock, ct);
}

public static class PostNativeUsageEndpoint
{
    public static void MapPostNativeUsage(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/usage/native", Handle).RequireAuthorization(Policies.Ingest)
            .Produces<UsageIngestResult>()
            .ProducesValidationProblem()
            .WithTags("Usage")
            .WithSummary("Record up to 1,000 provider-native usage envelopes (format openai, anthropic or deepseek), normalised to the four token classes");

    public static Task<IResult> Handle(HttpRequest request, UsageCommitter committer, IClock clock, CancellationToken ct) =>
        PostUsageEndpoint.RecordAsync(request, committer, body => UsageMessage.Read(body, clock.GetCurrentInstant(), NativeUsage.ReadDraft), ct);
}
