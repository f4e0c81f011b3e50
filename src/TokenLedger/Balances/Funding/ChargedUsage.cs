using NodaTime;
using TokenLedger.Pricing;

namespace TokenLedger.Balances.Funding;

/// <summary>One usage event with its retail charge, as the funding decider needs it; <paramref name="RequestId"/> settles the hold placed for it.</summary>
public sealed record ChargedUsage(string EventId, Instant OccurredAt, string Model, string? PlanId, TokenCounts Tokens, Charge Retail, decimal? WholesaleCost,
    string? RequestId = null);

/// <summary>The rated usage of one ledger batch for one tenant.</summary>
public sealed record RatedUsageBatch(string TenantId, string BatchId, IReadOnlyList<ChargedUsage> Items);

/// <summary>What the decider knows besides the account: the plan catalog and the ledger position of the input (for signal ids).</summary>
public sealed record FundingContext(string TenantId, string Currency, string TimeZone, IReadOnlyDictionary<string, Plans.Plan> Plans, long Sequence);
