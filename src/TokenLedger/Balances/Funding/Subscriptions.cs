using NodaTime;
using TokenLedger.Plans;
using TokenLedger.Pricing;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// Subscription lifecycle decisions. A period runs from the subscription's anniversary to the next one, in the tenant's
/// zone (subscribed on the 31st: the next periods start on the last day of shorter months, then the 31st again). The fee
/// is charged at the start of each period: the intro fee while the tenant has intro periods of that plan left (IntroMonths
/// per tenant and plan, ever: cancelling and subscribing again does not restart them), then the monthly fee.
/// A plan change at instant t prorates by time: the unused fraction f = (periodEnd − t) / (periodEnd − periodStart) of the
/// old plan's fee for this period (at most what was paid for it) goes back to the sources that paid it, last paid first (postpaid debt not yet
/// invoiced is cancelled, then the wallet, then each credit grant), and f × the new plan's fee is charged, each rounded
/// half away from zero to the currency's minor unit. Caps switch to the new plan at t.
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
        var intro = IntroApplies(account, plan);
        ChargeFee(decided, plan, 0, intro ? plan.IntroFee!.Value : plan.MonthlyFee, intro ? "intro" : "monthly", request.RequestedAt, intro);
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
            var intro = IntroApplies(account, plan);
            ChargeFee(decided, plan, next, intro ? plan.IntroFee!.Value : plan.MonthlyFee, intro ? "intro" : "monthly", s.PeriodEnd, intro);
        }
    }

    public static void Change(Decided decided, PlanChangeRequested request, FundingContext context)
    {
        var account = decided.Account;
        if (account.Subscription is not { } s || s.PlanId == request.PlanId) return;
        if (!context.Plans.TryGetValue(request.PlanId, out var to) || !context.Plans.TryGetValue(s.PlanId, out var from)) return;
        var unused = UnusedFraction(s, request.RequestedAt);
        decided.Add(new SubscriptionPlanChanged(account.Id, from.PlanId, to.PlanId, request.RequestedAt, unused));
        var fullFee = s.PeriodAtIntroPrice && from.IntroFee is { } introFee ? introFee : from.MonthlyFee;
        var credit = Math.Min(InvoiceRounding.RoundLine(fullFee * unused, account.Currency), s.PeriodPaid.Sum(a => a.Amount));
        if (credit > 0)
            decided.Add(new SubscriptionFeeCharged(account.Id, from.PlanId, s.PeriodIndex, "proration-credit", -credit, request.RequestedAt,
                ReturnToPayers(account, s.PeriodPaid, credit)));
        var intro = IntroApplies(account, to);
        var fee = intro ? to.IntroFee!.Value : to.MonthlyFee;
        ChargeFee(decided, to, s.PeriodIndex, InvoiceRounding.RoundLine(fee * unused, account.Currency), "proration-charge", request.RequestedAt, intro);
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

    public static bool IntroApplies(TenantAccount account, Plan plan) =>
        plan.IntroFee is not null && account.IntroPeriodsUsed.GetValueOrDefault(plan.PlanId) < plan.IntroMonths;

    /// <summary>
    /// Negative allocations returning <paramref name="amount"/> to what paid <paramref name="paid"/>, last paid first.
    /// Postpaid debt is cancelled only while it is still unbilled; what it cannot take goes to the wallet.
    /// </summary>
    public static IReadOnlyList<Allocation> ReturnToPayers(TenantAccount account, IReadOnlyList<Allocation> paid, decimal amount)
    {
        var returned = new List<Allocation>();
        var rest = amount;
        var unbilled = account.PostpaidUnbilled;
        foreach (var group in paid.GroupBy(a => (a.Source, a.SourceId)).Reverse())
        {
            if (rest <= 0) break;
            var (source, sourceId) = group.Key;
            var cap = source == FundingSources.Postpaid ? Math.Min(group.Sum(a => a.Amount), Math.Max(unbilled, 0)) : group.Sum(a => a.Amount);
            var part = Math.Min(rest, cap);
            if (part <= 0) continue;
            returned.Add(new Allocation(source, sourceId, -part));
            rest -= part;
        }
        if (rest > 0) returned.Add(new Allocation(FundingSources.Wallet, null, -rest));
        return returned;
    }

    /// <summary>Fees are paid from credits and the wallet (in the tenant's order), then postpaid; packages pay for tokens only.</summary>
    private static void ChargeFee(Decided decided, Plan plan, int periodIndex, decimal amount, string kind, Instant at, bool atIntroPrice)
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
        decided.Add(new SubscriptionFeeCharged(account.Id, plan.PlanId, periodIndex, kind, amount, at, allocations, atIntroPrice));
    }
}
