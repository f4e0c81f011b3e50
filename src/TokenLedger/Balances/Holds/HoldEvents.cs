using System.Text.Json.Serialization;
using NodaTime;

namespace TokenLedger.Balances.Holds;

// Facts of a tenant's holds stream holds:{tenantId}, appended by the hold endpoints and the expiry sweeper while they
// hold the tenant's hold lock (HoldDesk). The funding subscription reads them in ledger order with the usage and decides
// what each one does to the account: a placement reserves, a void or an expiry releases (HoldReleased), the usage
// carrying the hold's requestId settles it (HoldSettled). Those two decisions go to funding:{tenantId}.

/// <summary>A fact of the holds stream; the funding subscription applies it to the tenant's account in ledger order.</summary>
public interface IHoldFact
{
    string TenantId { get; }
    string HoldId { get; }
    Instant At { get; }
}

/// <summary>
/// A gateway reserved <paramref name="Amount"/> (the retail price of the request's maximum tokens at
/// <paramref name="PlacedAt"/>, or the amount it named) for request <paramref name="RequestId"/>, on
/// <paramref name="Source"/> (plan, package, credit, wallet or postpaid), until <paramref name="ExpiresAt"/>.
/// <paramref name="Packages"/>: the package tokens it reserves, and the part of the amount they stand for (the rest is money).
/// </summary>
public sealed record HoldPlaced(
    string TenantId, string HoldId, string RequestId, string Model, long MaxInputTokens, long MaxOutputTokens, decimal Amount,
    string Currency, string Source, string? PlanId, string? DistributorId, Instant PlacedAt, Instant ExpiresAt, string ActedBy,
    IReadOnlyList<PackageHold>? Packages = null) : IHoldFact
{
    public Instant At => PlacedAt;
    public long MaxTokens => MaxInputTokens + MaxOutputTokens;
}

/// <summary>The gateway said it will not use the hold.</summary>
public sealed record HoldVoided(string TenantId, string HoldId, string RequestId, Instant VoidedAt, string ActedBy) : IHoldFact
{
    public Instant At => VoidedAt;
}

/// <summary>The hold's time ran out before the ledger had seen its usage (recorded by the expiry sweeper).</summary>
public sealed record HoldExpired(string TenantId, string HoldId, string RequestId, Instant ExpiresAt, Instant ExpiredAt) : IHoldFact
{
    public Instant At => ExpiredAt;
}

/// <summary>
/// Decided by funding: the usage event <paramref name="EventId"/> carrying the hold's requestId was charged
/// (<paramref name="Charged"/>, through the normal drawdown) and the hold closed; <paramref name="Released"/> is the
/// part of the hold the charge did not use. <paramref name="ActedBy"/> is the key that placed the hold.
/// </summary>
public sealed record HoldSettled(
    string TenantId, string HoldId, string RequestId, string EventId, string Source, decimal Held, decimal Charged, decimal Released,
    Instant SettledAt, string ActedBy);

/// <summary>
/// Decided by funding: an active hold was released without usage, because it was voided or expired
/// (<paramref name="Reason"/>). <paramref name="ActedBy"/>: the voiding key, or for an expiry the key that placed it.
/// </summary>
public sealed record HoldReleased(string TenantId, string HoldId, string RequestId, string Source, decimal Amount, string Reason, Instant ReleasedAt, string ActedBy);

/// <summary>A hold fact as the funding subscription reads it: with its version in the holds stream.</summary>
public sealed record HoldFactRead(IHoldFact Fact, long Version);

public static class HoldStreams
{
    public const string Prefix = "holds:";
    public static string For(string tenantId) => $"{Prefix}{tenantId}";
}

public static class HoldReasons
{
    public const string InsufficientFunds = "insufficient-funds";
    public const string CapReached = "cap-reached";
    public const string CreditLimitReached = "credit-limit-reached";
    public const string Suspended = "suspended";
    public const string Voided = "voided";
    public const string Expired = "expired";
}

/// <summary><paramref name="Tokens"/> package tokens of package <paramref name="PackageId"/> reserved by a hold, standing for <paramref name="Amount"/> of its amount.</summary>
public sealed record PackageHold(string PackageId, decimal Tokens, decimal Amount);

/// <summary>An open hold as the account keeps it until funding settles or releases it.</summary>
public sealed record ActiveHold(
    string HoldId, string RequestId, string Model, decimal Amount, string Source, string? PlanId, long Tokens, Instant PlacedAt,
    Instant ExpiresAt, string ActedBy, IReadOnlyList<PackageHold>? Packages = null)
{
    public bool OnPlan => Source == FundingSources.Plan;

    /// <summary>The money the hold reserves: nothing on the plan, else its amount less the part its package tokens stand for.</summary>
    [JsonIgnore]
    public decimal Money => OnPlan ? 0m : Packages is null ? Amount : Amount - Packages.Sum(p => p.Amount);

    public static ActiveHold Of(HoldPlaced p) =>
        new(p.HoldId, p.RequestId, p.Model, p.Amount, p.Source, p.PlanId, p.MaxTokens, p.PlacedAt, p.ExpiresAt, p.ActedBy, p.Packages);
}
