using NodaTime;
using TokenLedger.Plans;

namespace TokenLedger.Balances.Holds;

/// <summary>
/// A hold as asked for, priced: <paramref name="Amount"/> is the retail price of its maximum tokens now, or the amount the
/// gateway named. <paramref name="Priced"/>: the price of its input and output tokens when it was priced by tokens (a
/// hold that names an amount has none, and is never held on packages).
/// </summary>
public sealed record HoldAsk(
    string TenantId, string HoldId, string RequestId, string Model, long MaxInputTokens, long MaxOutputTokens, decimal Amount,
    string Currency, string? PlanId, string? DistributorId, Duration Ttl, string ActedBy, HoldPrice? Priced = null);

/// <summary>The retail price of a hold's maximum input tokens (all uncached) and of its maximum output tokens.</summary>
public sealed record HoldPrice(decimal Input, decimal Output);

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
/// held on token packages when they come first in the drawdown order (<see cref="PackageHolds"/>), the rest on prepaid
/// funds in the drawdown order, then postpaid headroom, and refused when available funds fall short.
/// </summary>
public static class HoldDecider
{
    public static readonly Duration DefaultTtl = Duration.FromMinutes(10);
    public static readonly Duration MaxTtl = Duration.FromHours(1);

    /// <summary>The hold's time to live: the call's ttlSeconds, else the tenant's default, else 10 minutes.</summary>
    public static Duration Ttl(int? callSeconds, int? tenantSeconds) =>
        callSeconds is { } call ? Duration.FromSeconds(call) : tenantSeconds is { } tenant ? Duration.FromSeconds(tenant) : DefaultTtl;

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

        var (parts, rest) = PackageHolds.Place(position.Account, position.Counted, ask, now);
        if (parts.Count > 0 && rest <= 0) return Grant(ask, FundingSources.Package, null, now, parts);
        if (position.MoneySource(rest, now) is { } source) return Grant(ask, source, null, now, parts.Count > 0 ? parts : null);
        var available = (position.Funds(now) ?? 0) - position.MoneyHeldAt(now);
        var limit = position.Account.CreditLimit ?? 0;
        var onPackages = parts.Count > 0 ? $" after {ask.Amount - rest} {ask.Currency} on token packages" : "";
        return limit > 0
            ? new HoldRefused(HoldReasons.CreditLimitReached,
                $"the hold of {ask.Amount} {ask.Currency} needs {rest} {ask.Currency}{onPackages}, more than the {Math.Max(0, available)} {ask.Currency} available within the credit limit of {limit}")
            : new HoldRefused(HoldReasons.InsufficientFunds,
                $"the hold of {ask.Amount} {ask.Currency} needs {rest} {ask.Currency}{onPackages}, more than the {Math.Max(0, available)} {ask.Currency} available (funds less open holds)");
    }

    /// <summary>The holds the sweeper expires now: open, past their expiry, not voided or expired already.</summary>
    public static IReadOnlyList<HoldExpired> Expire(HoldPosition position, string tenantId, Instant now) =>
        position.DueAt(now).Select(h => new HoldExpired(tenantId, h.HoldId, h.RequestId, h.ExpiresAt, now)).ToList();

    /// <summary>Voids an open hold; a hold already voided or expired answers as it is, nothing new recorded.</summary>
    public static HoldVoided? Void(HoldPosition position, ActiveHold hold, string tenantId, string actedBy, Instant now) =>
        position.IsClosing(hold.HoldId) ? null : new HoldVoided(tenantId, hold.HoldId, hold.RequestId, now, actedBy);

    private static HoldGranted Grant(HoldAsk ask, string source, string? planId, Instant now, IReadOnlyList<PackageHold>? packages = null) =>
        new(new HoldPlaced(ask.TenantId, ask.HoldId, ask.RequestId, ask.Model, ask.MaxInputTokens, ask.MaxOutputTokens, ask.Amount, ask.Currency,
            source, planId, ask.DistributorId, now, now + ask.Ttl, ask.ActedBy, packages), false);

    private static HoldPlaced Placed(HoldAsk ask, ActiveHold h) =>
        new(ask.TenantId, h.HoldId, h.RequestId, h.Model, 0, 0, h.Amount, ask.Currency, h.Source, h.PlanId, null, h.PlacedAt, h.ExpiresAt, h.ActedBy, h.Packages);
}
