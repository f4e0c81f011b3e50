using NodaTime;
using TokenLedger.Plans;

namespace TokenLedger.Balances;

/// <summary>
/// How much of a limit is used at an instant, and when that use next falls: for a rolling window, when the oldest usage
/// counted leaves it (null when nothing is counted); for a month, the start of the next calendar month in the tenant's zone.
/// </summary>
public sealed record LimitUse(string Subject, decimal Used, decimal Limit, string Unit, Instant? ResetsAt = null)
{
    public decimal Percent => Limit == 0 ? (Used > 0 ? 100m : 0m) : Used * 100m / Limit;

    /// <summary>0 below 80%, 80 from 80%, 100 from 100%.</summary>
    public int Level => Percent >= 100m ? 100 : Percent >= 80m ? 80 : 0;
}

public sealed partial class TenantAccount
{
    public const string CreditLimitSubject = "credit-limit";

    /// <summary>Minute buckets counted in the rolling window ending at <paramref name="at"/>: those that started less than 5 hours before.</summary>
    public IEnumerable<MinuteUsage> WindowAt(Instant at)
    {
        var after = (at - WindowLength).ToUnixTimeSeconds();
        var upTo = at.ToUnixTimeSeconds();
        return Window.Where(m => m.Minute * 60 > after && m.Minute * 60 <= upTo);
    }

    public IReadOnlyList<LimitUse> CapUse(Plan plan, Instant at)
    {
        var window = WindowAt(at).ToList();
        var month = MonthUsage.TryGetValue(MonthKey(at), out var c) ? c : [0, 0];
        Instant? windowRolls = window.Count == 0 ? null : Instant.FromUnixTimeSeconds(window.Min(m => m.Minute) * 60) + WindowLength;
        return plan.Caps.Select(cap =>
        {
            var used = (cap.Window, cap.Unit) switch
            {
                (CapWindow.Rolling5h, CapUnit.Requests) => window.Sum(m => m.Requests),
                (CapWindow.Rolling5h, CapUnit.Tokens) => window.Sum(m => m.Tokens),
                (CapWindow.Month, CapUnit.Requests) => month[0],
                _ => month[1],
            };
            var resetsAt = cap.Window == CapWindow.Rolling5h ? windowRolls : NextMonthStart(at);
            return new LimitUse(cap.Name, used, cap.Limit, cap.Unit == CapUnit.Requests ? "requests" : "tokens", resetsAt);
        }).ToList();
    }

    /// <summary>Postpaid use against the credit limit, counting the part of open holds that prepaid funds cannot cover.</summary>
    public LimitUse? CreditUse() => CreditLimit is { } limit
        ? new LimitUse(CreditLimitSubject, PostpaidUnbilled + Math.Max(0, MoneyHeld - PrepaidFunds(Clock)), limit, Currency)
        : null;

    /// <summary>The next instant at which time alone changes something: an expiry, a renewal, or usage leaving the window.</summary>
    public Instant? NextDue()
    {
        var candidates = new List<Instant>();
        candidates.AddRange(Credits.Where(c => !c.Expired && c.Remaining > 0).Select(c => c.ExpiresAt));
        candidates.AddRange(Packages.Where(p => !p.Expired && p.RemainingTokens > 0).Select(p => p.ValidTo));
        if (Subscription is { } s) candidates.Add(s.EndsAt ?? s.PeriodEnd);
        if (SignalLevels.Any(kv => kv.Key.StartsWith("rolling-5h", StringComparison.Ordinal) && kv.Value > 0) && Window.Count > 0)
            candidates.Add(Instant.FromUnixTimeSeconds(Window.Min(m => m.Minute) * 60) + WindowLength);
        if (SignalLevels.Any(kv => kv.Key.StartsWith("month", StringComparison.Ordinal) && kv.Value > 0))
            candidates.Add(NextMonthStart(Clock));
        return candidates.Count == 0 ? null : candidates.Min();
    }

    public Instant NextMonthStart(Instant at)
    {
        var date = at.InZone(Zone).Date;
        return new LocalDate(date.Year, date.Month, 1).PlusMonths(1).AtStartOfDayInZone(Zone).ToInstant();
    }
}
