namespace TokenLedger.Contracts.Usage;

/// <summary>
/// One metered LLM call, as a gateway publishes it to the <c>tokenledger.usage.v1</c> queue
/// (alone, or inside a JSON array of up to <see cref="UsageContract.MaxItemsPerMessage"/> items)
/// or posts it to <c>POST /api/usage</c>. Property names are camelCase on the wire.
/// </summary>
/// <param name="EventId">Idempotency key chosen by the gateway, 1–128 characters. The same id never counts twice.</param>
/// <param name="OccurredAt">When the call finished, RFC 3339 with an explicit offset.</param>
/// <param name="TenantId">The customer who consumed the tokens.</param>
/// <param name="Model">The model name as the gateway knows it.</param>
/// <param name="InputTokens">Uncached input tokens (cache miss).</param>
/// <param name="CachedInputTokens">Input tokens served from the provider's prompt cache (cache hit).</param>
/// <param name="OutputTokens">Generated tokens.</param>
/// <param name="CacheWriteTokens">Input tokens written to the prompt cache; 0 when absent.</param>
public sealed record UsageEventV1(
    string EventId,
    DateTimeOffset OccurredAt,
    string TenantId,
    string Model,
    long InputTokens,
    long CachedInputTokens,
    long OutputTokens,
    long CacheWriteTokens = 0,
    string? Provider = null,
    string? PlanId = null,
    string? DistributorId = null,
    string? RequestId = null);

public static class UsageContract
{
    public const string QueueName = "tokenledger.usage.v1";
    public const string DeadLetterQueueName = "tokenledger.usage.v1.dead-letter";
    public const int MaxItemsPerMessage = 1000;
    public const int MaxEventIdLength = 128;
    public const int MaxIdentifierLength = 200;
    public const long MaxTokensPerField = 1_000_000_000;
}
