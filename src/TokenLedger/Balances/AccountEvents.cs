using NodaTime;

namespace TokenLedger.Balances;

// Facts recorded by commands on a tenant's account stream (see AccountStreams). The funding subscription reads them in
// order, together with rated usage, and records what each one decided (FundingEvents.cs).

/// <summary>A payment was received into the tenant's prepaid wallet.</summary>
public sealed record FundsToppedUp(string TenantId, string TopUpId, decimal Amount, string Currency, string? Reference, Instant ReceivedAt, string RecordedBy);

/// <summary>Promotional credit was granted; it pays for usage before the wallet (soonest expiry first) and leaves at its expiry.</summary>
public sealed record CreditGranted(string TenantId, string GrantId, decimal Amount, string Currency, Instant ExpiresAt, int Priority, string Reason, Instant GrantedAt, string? ActedBy = null);

/// <summary>A refund of wallet funds was asked for; it is paid out only from funds still available when processed.</summary>
public sealed record RefundRequested(string TenantId, string RefundId, decimal Amount, string Currency, string Reason, Instant RequestedAt, string RequestedBy);

/// <summary>A manual correction of the wallet, positive or negative, with its reason.</summary>
public sealed record BalanceAdjusted(string TenantId, string AdjustmentId, decimal Amount, string Currency, string Reason, Instant AdjustedAt, string AdjustedBy);

/// <summary>A prepaid bundle of package tokens was bought. Weights say how many package tokens one token of each class costs; a class without a weight is not covered.</summary>
public sealed record TokenPackagePurchased(
    string TenantId, string PackageId, string Name, decimal SizeTokens, IReadOnlyList<string> Models,
    IReadOnlyDictionary<string, decimal> Weights, decimal PricePaid, string Currency, Instant ValidFrom, Instant ValidTo, Instant PurchasedAt, string? ActedBy = null);

/// <summary>The tenant's postpaid credit limit (null: unlimited) and the order of its prepaid sources changed.</summary>
public sealed record CreditTermsSet(string TenantId, decimal? CreditLimit, IReadOnlyList<string> DrawdownOrder, Instant SetAt, string? ActedBy = null);

/// <summary>The tenant asked to subscribe to a plan from this instant.</summary>
public sealed record PlanSubscriptionRequested(string TenantId, string PlanId, Instant RequestedAt, string? ActedBy = null);

/// <summary>The tenant asked to move its subscription to another plan from this instant (prorated).</summary>
public sealed record PlanChangeRequested(string TenantId, string PlanId, Instant RequestedAt, string? ActedBy = null);

/// <summary>The tenant asked to end its subscription at the end of the current period.</summary>
public sealed record PlanCancellationRequested(string TenantId, Instant RequestedAt, string? ActedBy = null);

/// <summary>Time passed for an account with something due (expiry, renewal, a window rolling); appended by the account clock.</summary>
public sealed record AccountClockTicked(string TenantId, Instant At);

/// <summary>
/// Commands append their facts to <c>account:{tenantId}</c>; the funding subscription, the only writer of
/// <c>funding:{tenantId}</c>, appends what it decided there. Two streams, so the two writers never race for a version.
/// How it funded usage (<see cref="UsageFunded"/>, one event per tenant and page) goes to the page's own stream
/// <c>funded-usage:{last sequence of the page}</c>, indexed by tenant in <see cref="Funding.FundedUsagePages"/>.
/// </summary>
public static class AccountStreams
{
    public const string Prefix = "account:";
    public static string For(string tenantId) => $"{Prefix}{tenantId}";
    public static string Decisions(string tenantId) => $"funding:{tenantId}";
    public static string FundedUsage(long pageCeiling) => $"funded-usage:{pageCeiling}";
}
