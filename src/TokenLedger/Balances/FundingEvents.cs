using NodaTime;
using TokenLedger.Contracts.Signals;

namespace TokenLedger.Balances;

// What the funding subscription decided, appended to the tenant's decision stream funding:{tenantId} in the same transaction as its progress.

public static class FundingSources
{
    public const string Plan = "plan";
    public const string Package = "package";
    public const string Credit = "credit";
    public const string Wallet = "wallet";
    public const string Postpaid = "postpaid";
    public static readonly string[] Prepaid = ["packages", "credits", "wallet"];
}

public static class FundingFlags
{
    public const string UnknownPlan = "unknown-plan";
    public const string OverCapPayg = "over-cap-payg";
    public const string OverCapBlocked = "over-cap-blocked";
    public const string OverCapThrottled = "over-cap-throttled";
    public const string OverCreditLimit = "over-credit-limit";
}

/// <summary>Part of a charge paid by one source. PackageTokens is what a package part consumed.</summary>
public sealed record Allocation(string Source, string? SourceId, decimal Amount, decimal PackageTokens = 0);

/// <summary>One rated usage event and what paid for it; Allocations sum exactly to Amount.</summary>
public sealed record FundedUsage(
    string EventId, Instant OccurredAt, string Model, decimal Amount, long Tokens, string? PlanId,
    IReadOnlyList<Allocation> Allocations, IReadOnlyList<string> Flags, decimal? WholesaleCost = null);

/// <summary>The account was first seen by the funding subscription, in the tenant's currency and billing zone.</summary>
public sealed record AccountOpened(string TenantId, string Currency, string TimeZone);

/// <summary>Rated usage of one ledger batch for this tenant was paid for.</summary>
public sealed record UsageFunded(string TenantId, string BatchId, IReadOnlyList<FundedUsage> Items);

/// <summary>Part of a top-up paid off postpaid charges not yet billed; the rest stays in the wallet.</summary>
public sealed record ArrearsSettled(string TenantId, string TopUpId, decimal Amount);

public sealed record RefundPaid(string TenantId, string RefundId, decimal Amount);

public sealed record RefundRefused(string TenantId, string RefundId, decimal Amount, decimal Available, string Reason);

/// <summary>A grant's unused remainder left the balance at its expiry instant.</summary>
public sealed record CreditExpired(string TenantId, string GrantId, decimal Forfeited, Instant ExpiredAt);

/// <summary>A package's unused tokens left the balance at the end of its validity.</summary>
public sealed record TokenPackageExpired(string TenantId, string PackageId, decimal ForfeitedTokens, Instant ExpiredAt);

public sealed record SubscriptionStarted(string TenantId, string PlanId, int PeriodIndex, Instant PeriodStart, Instant PeriodEnd, LocalDateTime Anchor);

public sealed record SubscriptionRenewed(string TenantId, string PlanId, int PeriodIndex, Instant PeriodStart, Instant PeriodEnd);

public sealed record SubscriptionPlanChanged(string TenantId, string FromPlanId, string ToPlanId, Instant ChangedAt, decimal UnusedFraction);

public sealed record SubscriptionCancellationScheduled(string TenantId, string PlanId, Instant RequestedAt, Instant EndsAt);

public sealed record SubscriptionEnded(string TenantId, string PlanId, Instant EndedAt);

/// <summary>
/// A subscription fee (or a proration credit, negative) for one period; kinds: intro, monthly, proration-charge,
/// proration-credit. <paramref name="AtIntroPrice"/>: the fee was at the plan's intro price, which counts one of the
/// tenant's intro periods of that plan (events before this field existed: kind "intro").
/// </summary>
public sealed record SubscriptionFeeCharged(
    string TenantId, string PlanId, int PeriodIndex, string Kind, decimal Amount, Instant ChargedAt, IReadOnlyList<Allocation> Allocations,
    bool AtIntroPrice = false);

/// <summary>A gateway signal was raised; the relay publishes it to tokenledger.signals.v1.</summary>
public sealed record GatewaySignalRaised(GatewaySignalV1 Signal, int Level);
