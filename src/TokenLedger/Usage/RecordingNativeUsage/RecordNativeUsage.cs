using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Usage.RecordingNativeUsage;

/// <summary>The queue of provider-native usage envelopes (openai, anthropic, deepseek shapes).</summary>
public static class NativeUsageQueue
{
    public const string QueueName = "tokenledger.usage-native.v1";
}

public static class PostNativeUsageEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/usage/native", Handle).RequireAuthorization(Policies.Ingest)
            .WithMetadata(TokenLedger.Infrastructure.ChecksItsOwnText.Instance)
            .Produces<UsageIngestResult>()
            .ProducesValidationProblem()
            .WithTags("Usage")
            .WithSummary("Record up to 1,000 provider-native usage envelopes (format openai, anthropic or deepseek), normalised to the four token classes");

    public static Task<IResult> Handle(HttpRequest request, UsageCommitter committer, IClock clock, CancellationToken ct) =>
        PostUsageEndpoint.RecordAsync(request, committer, body => UsageMessage.Read(body, clock.GetCurrentInstant(), NativeUsage.ReadDraft), ct);
}
