using NodaTime;
using TokenLedger.Plans;
using TokenLedger.Pricing;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// Subscription lifecycle decisions. A period runs from the subscription's anniversary to the next one, in the tenant's
/// zone (subscribed on the 31st: the next periods start on the last day of shorter months, then the 31st again). The fee
/// is charged at the start of each period: the intro fee for the first IntroMonths periods, then the monthly fee.
/// A plan change at instant t prorates by time: the unused fraction f = (periodEnd − t) / (periodEnd − periodStart) of the
/// old plan's fee for this period is credited to the wallet and f × the new plan's fee for the same period index is charged,
/// each rounded half away from zero to the currency's minor unit. Caps switch to the new plan at t.
/// A cancellation takes effect at the end of the current period.
/// </summary>
public static class Subscriptions
{
    public static void Start(Decided decided, PlanSubscriptionRequested request, FundingContext context)
    {
        var account = decided.Account;
        if (account.Subscription is not null || !context.Plans.TryGetValue(request.PlanId, out var plan)) return;
        var anchor = request.RequestedAt.InZone(account.Zone).LocalDateTime;
        decided.Add(new SubscriptionStarted(account.Id, plan.PlanId, 0, request.RequestedAt, PeriodStart(account, anchor, 1), anchor));
        ChargeFee(decided, plan, 0, plan.FeeForPeriod(0), FeeKind(plan, 0), request.RequestedAt);
    }

    public static void Renew(Decided decided, Instant at, FundingContext context)
    {
        var account = decided.Account;
        while (account.Subscription is { } s && s.PeriodEnd <= at)
        {
            if (s.EndsAt is { } ends && ends <= s.PeriodEnd || !context.Plans.TryGetValue(s.PlanId, out var plan))
            {
                decided.Add(new SubscriptionEnded(account.Id, s.PlanId, s.PeriodEnd));
                return;
            }
            var next = s.PeriodIndex + 1;
            decided.Add(new SubscriptionRenewed(account.Id, s.PlanId, next, s.PeriodEnd, PeriodStart(account, s.Anchor, next + 1)));
            ChargeFee(decided, plan, next, plan.FeeForPeriod(next), FeeKind(plan, next), s.PeriodEnd);
        }
    }

    public static void Change(Decided decided, PlanChangeRequested request, FundingContext context)
    {
        var account = decided.Account;
        if (account.Subscription is not { } s || s.PlanId == request.PlanId) return;
        if (!context.Plans.TryGetValue(request.PlanId, out var to) || !context.Plans.TryGetValue(s.PlanId, out var from)) return;
        var unused = UnusedFraction(s, request.RequestedAt);
        decided.Add(new SubscriptionPlanChanged(account.Id, from.PlanId, to.PlanId, request.RequestedAt, unused));
        var credit = InvoiceRounding.RoundLine(from.FeeForPeriod(s.PeriodIndex) * unused, account.Currency);
        if (credit > 0)
            decided.Add(new SubscriptionFeeCharged(account.Id, from.PlanId, s.PeriodIndex, "proration-credit", -credit, request.RequestedAt,
                [new Allocation(FundingSources.Wallet, null, -credit)]));
        ChargeFee(decided, to, s.PeriodIndex, InvoiceRounding.RoundLine(to.FeeForPeriod(s.PeriodIndex) * unused, account.Currency), "proration-charge", request.RequestedAt);
    }

    public static void Cancel(Decided decided, PlanCancellationRequested request)
    {
        var account = decided.Account;
        if (account.Subscription is { EndsAt: null } s)
            decided.Add(new SubscriptionCancellationScheduled(account.Id, s.PlanId, request.RequestedAt, s.PeriodEnd));
    }

    public static decimal UnusedFraction(SubscriptionState s, Instant at)
    {
        var total = (s.PeriodEnd - s.PeriodStart).BclCompatibleTicks;
        var left = Math.Clamp((s.PeriodEnd - at).BclCompatibleTicks, 0, total);
        return total == 0 ? 0m : (decimal)left / total;
    }

    private static Instant PeriodStart(TenantAccount account, LocalDateTime anchor, int months) =>
        anchor.PlusMonths(months).InZoneLeniently(account.Zone).ToInstant();

    private static string FeeKind(Plan plan, int periodIndex) => plan.IntroFee is not null && periodIndex < plan.IntroMonths ? "intro" : "monthly";

    /// <summary>Fees are paid from credits and the wallet (in the tenant's order), then postpaid; packages pay for tokens only.</summary>
    private static void ChargeFee(Decided decided, Plan plan, int periodIndex, decimal amount, string kind, Instant at)
    {
        var account = decided.Account;
        var allocations = new List<Allocation>();
        var rest = amount;
        foreach (var source in account.DrawdownOrder)
        {
            if (rest <= 0) break;
            if (source == "credits")
                foreach (var credit in account.Credits.Where(c => !c.Expired && c.Remaining > 0 && at < c.ExpiresAt).OrderBy(c => c.ExpiresAt).ThenByDescending(c => c.Priority))
                {
                    if (rest <= 0) break;
                    var part = Math.Min(credit.Remaining, rest);
                    allocations.Add(new Allocation(FundingSources.Credit, credit.GrantId, part));
                    rest -= part;
                }
            if (source == "wallet" && account.Wallet > 0)
            {
                var part = Math.Min(account.Wallet, rest);
                allocations.Add(new Allocation(FundingSources.Wallet, null, part));
                rest -= part;
            }
        }
        if (rest > 0) allocations.Add(new Allocation(FundingSources.Postpaid, null, rest));
        decided.Add(new SubscriptionFeeCharged(account.Id, plan.PlanId, periodIndex, kind, amount, at, allocations));
    }
}
