using NodaTime;
using TokenLedger.Plans;

namespace TokenLedger.Balances.Holds;

/// <summary>A hold as asked for, priced: <paramref name="Amount"/> is the retail price of its maximum tokens now, or the amount the gateway named.</summary>
public sealed record HoldAsk(
    string TenantId, string HoldId, string RequestId, string Model, long MaxInputTokens, long MaxOutputTokens, decimal Amount,
    string Currency, string? PlanId, string? DistributorId, Duration Ttl, string ActedBy);

public abstract record HoldDecision;

/// <summary>The hold is placed (<paramref name="Replayed"/>: it already was, for this requestId, and this is the same answer).</summary>
public sealed record HoldGranted(HoldPlaced Hold, bool Replayed) : HoldDecision;

/// <summary>The hold is refused with a reason a gateway can act on (<see cref="HoldReasons"/>).</summary>
public sealed record HoldRefused(string Reason, string Detail) : HoldDecision;

/// <summary>The requestId belongs to a hold that was voided or expired; a new request needs a new requestId.</summary>
public sealed record HoldClosed(ActiveHold Hold) : HoldDecision;

/// <summary>
/// Decides a hold (pure). In order: the same requestId gives the same hold; a suspended tenant is refused; a plan that
/// covers the model holds quota (one request and the maximum tokens against every cap window) while every cap has room,
/// else its overage policy applies (block and throttle refuse with cap-reached, payg falls through to money); money is
/// held on prepaid funds in the drawdown order, then postpaid headroom, and refused when available funds fall short.
/// </summary>
public static class HoldDecider
{
    public static readonly Duration DefaultTtl = Duration.FromMinutes(10);
    public static readonly Duration MaxTtl = Duration.FromHours(1);

    public static HoldDecision Place(HoldPosition position, HoldAsk ask, Instant now)
    {
        if (position.ForRequest(ask.RequestId) is { } existing)
            return position.IsClosing(existing.HoldId) ? new HoldClosed(existing) : new HoldGranted(Placed(ask, existing), true);
        if (position.Suspended)
            return new HoldRefused(HoldReasons.Suspended, $"tenant '{ask.TenantId}' is suspended for non-payment");

        if (position.PlanCaps(ask.Model, ask.PlanId, now) is { } caps)
        {
            var full = caps.Where(c => c.Used >= c.Limit).ToList();
            if (full.Count == 0) return Grant(ask, FundingSources.Plan, ask.PlanId ?? position.Plan!.PlanId, now);
            if (position.Plan!.OveragePolicy != OveragePolicy.Payg)
                return new HoldRefused(HoldReasons.CapReached,
                    $"plan '{position.Plan.PlanId}' cap {full[0].Subject} is reached ({full[0].Used} of {full[0].Limit} {full[0].Unit}, open holds included); overage policy {position.Plan.OveragePolicy.ToString().ToLowerInvariant()}");
        }

        if (position.MoneySource(ask.Amount, now) is { } source) return Grant(ask, source, null, now);
        var available = (position.Funds(now) ?? 0) - position.MoneyHeld;
        var limit = position.Account.CreditLimit ?? 0;
        return limit > 0
            ? new HoldRefused(HoldReasons.CreditLimitReached,
                $"the hold of {ask.Amount} {ask.Currency} needs more than the {Math.Max(0, available)} {ask.Currency} available within the credit limit of {limit}")
            : new HoldRefused(HoldReasons.InsufficientFunds,
                $"the hold of {ask.Amount} {ask.Currency} needs more than the {Math.Max(0, available)} {ask.Currency} available (funds less open holds)");
    }

    /// <summary>The holds the sweeper expires now: open, past their expiry, not voided or expired already.</summary>
    public static IReadOnlyList<HoldExpired> Expire(HoldPosition position, string tenantId, Instant now) =>
        position.DueAt(now).Select(h => new HoldExpired(tenantId, h.HoldId, h.RequestId, h.ExpiresAt, now)).ToList();

    /// <summary>Voids an open hold; a hold already voided or expired answers as it is, nothing new recorded.</summary>
    public static HoldVoided? Void(HoldPosition position, ActiveHold hold, string tenantId, string actedBy, Instant now) =>
        position.IsClosing(hold.HoldId) ? null : new HoldVoided(tenantId, hold.HoldId, hold.RequestId, now, actedBy);

    private static HoldGranted Grant(HoldAsk ask, string source, string? planId, Instant now) =>
        new(new HoldPlaced(ask.TenantId, ask.HoldId, ask.RequestId, ask.Model, ask.MaxInputTokens, ask.MaxOutputTokens, ask.Amount, ask.Currency,
            source, planId, ask.DistributorId, now, now + ask.Ttl, ask.ActedBy), false);

    private static HoldPlaced Placed(HoldAsk ask, ActiveHold h) =>
        new(ask.TenantId, h.HoldId, h.RequestId, h.Model, 0, 0, h.Amount, ask.Currency, h.Source, h.PlanId, null, h.PlacedAt, h.ExpiresAt, h.ActedBy);
}
