using NodaTime;

namespace TokenLedger.Balances;

public sealed class CreditBalance
{
    public string GrantId { get; set; } = "";
    public decimal Granted { get; set; }
    public decimal Remaining { get; set; }
    public Instant ExpiresAt { get; set; }
    public int Priority { get; set; }
    public string Reason { get; set; } = "";
    public bool Expired { get; set; }
}

public sealed class PackageBalance
{
    public string PackageId { get; set; } = "";
    public string Name { get; set; } = "";
    public decimal SizeTokens { get; set; }
    public decimal RemainingTokens { get; set; }
    public List<string> Models { get; set; } = [];
    public Dictionary<string, decimal> Weights { get; set; } = [];
    public decimal PricePaid { get; set; }
    public Instant ValidFrom { get; set; }
    public Instant ValidTo { get; set; }
    public bool Expired { get; set; }

    public bool CoversModel(string model) => Models.Count == 0 || Models.Contains(model, StringComparer.OrdinalIgnoreCase);
    public bool UsableAt(Instant t) => !Expired && RemainingTokens > 0 && ValidFrom <= t && t < ValidTo;
}

public sealed class SubscriptionState
{
    public string PlanId { get; set; } = "";
    public int PeriodIndex { get; set; }
    public Instant PeriodStart { get; set; }
    public Instant PeriodEnd { get; set; }
    public LocalDateTime Anchor { get; set; }
    public Instant? EndsAt { get; set; }

    /// <summary>What paid this period's fee of the current plan, net of what was already returned.</summary>
    public List<Allocation> PeriodPaid { get; set; } = [];

    /// <summary>This period's fee of the current plan is at its intro price (else its monthly fee).</summary>
    public bool PeriodAtIntroPrice { get; set; }
}

/// <summary>Plan usage counted in one minute (by occurredAt), for the rolling 5-hour window.</summary>
public sealed record MinuteUsage(long Minute, long Requests, long Tokens);

/// <summary>
/// A tenant's balances and plan counters, kept by the funding subscription from the account stream's events only:
/// folding the same events with <see cref="When(object)"/> gives the same figures.
/// </summary>
public sealed partial class TenantAccount
{
    public string Id { get; set; } = "";
    public string Currency { get; set; } = "";
    public string TimeZone { get; set; } = "Asia/Shanghai";
    public decimal Wallet { get; set; }
    public List<CreditBalance> Credits { get; set; } = [];
    public List<PackageBalance> Packages { get; set; } = [];
    public decimal PostpaidUnbilled { get; set; }
    public decimal? CreditLimit { get; set; }
    public List<string> DrawdownOrder { get; set; } = [.. FundingSources.Prepaid];
    public SubscriptionState? Subscription { get; set; }
    public List<MinuteUsage> Window { get; set; } = [];
    public Dictionary<string, long[]> MonthUsage { get; set; } = [];
    public Dictionary<string, int> SignalLevels { get; set; } = [];

    /// <summary>Periods charged at each plan's intro price: an intro price applies once per tenant and plan.</summary>
    public Dictionary<string, int> IntroPeriodsUsed { get; set; } = [];
    public AccountTotals Totals { get; set; } = new();
    /// <summary>Per plan and month ("planId|2026-06"), what the plan earned and what its usage cost.</summary>
    public Dictionary<string, PlanMonthStats> PlanMonths { get; set; } = [];
    public List<string> PlanMonthKeys { get; set; } = [];
    /// <summary>The latest instant the account has seen (usage occurredAt, command or clock tick).</summary>
    public Instant Clock { get; set; }
    public long LastSequence { get; set; }
    public long? NextDueAtUnixMs { get; set; }

    [System.Text.Json.Serialization.JsonIgnore] public DateTimeZone Zone => DateTimeZoneProviders.Tzdb[TimeZone];
    [System.Text.Json.Serialization.JsonIgnore] public bool Subscribed => Subscription is not null;
}

/// <summary>Running totals that explain the balance: every figure is a sum of amounts in the account stream's events.</summary>
public sealed class AccountTotals
{
    public decimal ToppedUp { get; set; }
    public decimal Refunded { get; set; }
    public decimal Adjusted { get; set; }
    public decimal ArrearsSettled { get; set; }
    public decimal CreditsGranted { get; set; }
    public decimal CreditsUsed { get; set; }
    public decimal CreditsExpired { get; set; }
    public decimal WalletUsed { get; set; }
    public decimal PackagesCovered { get; set; }
    public decimal PlanCovered { get; set; }
    public decimal PostpaidCharged { get; set; }
    public decimal SubscriptionFees { get; set; }
    public decimal UsageCharged { get; set; }
    public long FundedEvents { get; set; }
    public long UnknownPlanEvents { get; set; }
    public long OverCapEvents { get; set; }
    public long OverCreditLimitEvents { get; set; }
    public long SignalsRaised { get; set; }
}

public sealed class PlanMonthStats
{
    public long Requests { get; set; }
    public long Tokens { get; set; }
    public decimal RetailValue { get; set; }
    public decimal CoveredByPlan { get; set; }
    public decimal WholesaleCost { get; set; }
    public decimal FeeRevenue { get; set; }
}
