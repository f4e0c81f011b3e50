using NodaTime;
using TokenLedger.Plans;

namespace TokenLedger.Balances.Holds;

/// <summary>
/// What a hold is decided on: the account as funding last stored it (funds, open holds, plan counters) plus the holds
/// stream's facts funding has not read yet (the tail). A hold counts until funding settles or releases it: a void or an
/// expiry in the tail only marks it closing, because usage recorded before it may still settle it. So funds a hold
/// reserved are never offered twice, whatever funding's lag.
/// </summary>
public sealed class HoldPosition
{
    private readonly List<ActiveHold> _open;
    private readonly HashSet<string> _closing = new(StringComparer.Ordinal);

    public HoldPosition(TenantAccount account, IEnumerable<IHoldFact> tail, Plan? plan, bool suspended)
    {
        Account = account;
        Plan = plan;
        Suspended = suspended;
        _open = [.. account.Holds];
        foreach (var fact in tail)
        {
            switch (fact)
            {
                case HoldPlaced p when _open.All(h => h.HoldId != p.HoldId && h.RequestId != p.RequestId): _open.Add(ActiveHold.Of(p)); break;
                case HoldVoided or HoldExpired: _closing.Add(fact.HoldId); break;
            }
        }
    }

    public TenantAccount Account { get; }
    public Plan? Plan { get; }
    public bool Suspended { get; }

    /// <summary>Every hold that still counts, closing ones included.</summary>
    public IReadOnlyList<ActiveHold> Counted => _open;

    public bool IsClosing(string holdId) => _closing.Contains(holdId);

    public ActiveHold? Find(string holdId) => _open.FirstOrDefault(h => h.HoldId == holdId);

    public ActiveHold? ForRequest(string requestId) => _open.FirstOrDefault(h => h.RequestId == requestId);

    /// <summary>Money held by the holds that still count at <paramref name="now"/>, package parts that lost their tokens included (<see cref="HoldClaims"/>).</summary>
    public decimal MoneyHeldAt(Instant now) => HoldClaims.Money(_open, Account.Packages, now);

    /// <summary>Open holds past their expiry that nobody has expired yet.</summary>
    public IEnumerable<ActiveHold> DueAt(Instant now) => _open.Where(h => h.ExpiresAt <= now && !_closing.Contains(h.HoldId));

    /// <summary>Prepaid funds plus postpaid headroom; null when postpaid is unlimited.</summary>
    public decimal? Funds(Instant now) => Account.PostpaidHeadroom is { } headroom ? Account.PrepaidFunds(now) + headroom : null;

    /// <summary>The plan's caps with open plan holds counted, when the plan would pay for <paramref name="model"/> now.</summary>
    public IReadOnlyList<LimitUse>? PlanCaps(string model, string? planId, Instant now)
    {
        if (Plan is null || Account.Subscription is not { } s || s.PlanId != Plan.PlanId) return null;
        if ((planId is not null && planId != Plan.PlanId) || now < s.PeriodStart || !Plan.Covers(model)) return null;
        return TenantAccount.WithHeld(Account.CapUse(Plan, now), Plan, _open);
    }

    /// <summary>
    /// Where <paramref name="amount"/> would land after the money already held, taking the tenant's prepaid sources in
    /// its drawdown order (credits, wallet), then postpaid headroom; null when it does not fit.
    /// </summary>
    public string? MoneySource(decimal amount, Instant now)
    {
        var taken = MoneyHeldAt(now);
        var need = amount;
        foreach (var (source, capacity) in HoldClaims.MoneySources(Account, now))
        {
            var free = Math.Max(0, capacity - taken);
            taken = Math.Max(0, taken - capacity);
            if (free >= need) return source;
            need -= free;
        }
        return null;
    }
}
