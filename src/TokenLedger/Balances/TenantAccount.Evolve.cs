using NodaTime;
using TokenLedger.Balances.Holds;

namespace TokenLedger.Balances;

public sealed partial class TenantAccount
{
    public static readonly Duration WindowLength = Duration.FromHours(5);

    public void When(object e)
    {
        switch (e)
        {
            case AccountOpened o: Id = o.TenantId; Currency = o.Currency; TimeZone = o.TimeZone; break;
            case FundsToppedUp t: Wallet += t.Amount; Totals.ToppedUp += t.Amount; Advance(t.ReceivedAt); break;
            case ArrearsSettled s: Wallet -= s.Amount; PostpaidUnbilled -= s.Amount; Totals.ArrearsSettled += s.Amount; break;
            case CreditGranted g:
                Credits.Add(new CreditBalance { GrantId = g.GrantId, Granted = g.Amount, Remaining = g.Amount, ExpiresAt = g.ExpiresAt, Priority = g.Priority, Reason = g.Reason });
                Totals.CreditsGranted += g.Amount;
                Advance(g.GrantedAt);
                break;
            case CreditExpired x: Credit(x.GrantId).Remaining -= x.Forfeited; Credit(x.GrantId).Expired = true; Totals.CreditsExpired += x.Forfeited; break;
            case RefundRequested r: Advance(r.RequestedAt); break;
            case RefundPaid p: Wallet -= p.Amount; Totals.Refunded += p.Amount; break;
            case RefundRefused: break;
            case BalanceAdjusted a: Wallet += a.Amount; Totals.Adjusted += a.Amount; Advance(a.AdjustedAt); break;
            case TokenPackagePurchased p:
                Packages.Add(new PackageBalance
                {
                    PackageId = p.PackageId, Name = p.Name, SizeTokens = p.SizeTokens, RemainingTokens = p.SizeTokens, Models = [.. p.Models],
                    Weights = new(p.Weights), PricePaid = p.PricePaid, ValidFrom = p.ValidFrom, ValidTo = p.ValidTo,
                });
                Advance(p.PurchasedAt);
                break;
            case TokenPackageExpired x: Package(x.PackageId).RemainingTokens -= x.ForfeitedTokens; Package(x.PackageId).Expired = true; break;
            case CreditTermsSet c: CreditLimit = c.CreditLimit; DrawdownOrder = [.. c.DrawdownOrder]; Advance(c.SetAt); break;
            case UsageFunded f: foreach (var item in f.Items) When(item); break;
            case SubscriptionFeeCharged fee:
                ApplyAllocations(fee.Allocations);
                if (fee.AtIntroPrice || fee.Kind == "intro") IntroPeriodsUsed[fee.PlanId] = IntroPeriodsUsed.GetValueOrDefault(fee.PlanId) + 1;
                if (Subscription is { } paying && fee.Kind == "proration-credit") paying.PeriodPaid = [];
                else if (Subscription is { } payer)
                {
                    payer.PeriodPaid = [.. payer.PeriodPaid, .. fee.Allocations];
                    payer.PeriodAtIntroPrice = fee.AtIntroPrice || fee.Kind == "intro";
                }
                Totals.SubscriptionFees += fee.Amount;
                PlanMonth(fee.PlanId, fee.ChargedAt).FeeRevenue += fee.Amount;
                Advance(fee.ChargedAt);
                break;
            case SubscriptionStarted s:
                Subscription = new SubscriptionState { PlanId = s.PlanId, PeriodIndex = s.PeriodIndex, PeriodStart = s.PeriodStart, PeriodEnd = s.PeriodEnd, Anchor = s.Anchor };
                Advance(s.PeriodStart);
                break;
            case SubscriptionRenewed r:
                Subscription!.PeriodIndex = r.PeriodIndex; Subscription.PeriodStart = r.PeriodStart; Subscription.PeriodEnd = r.PeriodEnd;
                Subscription.PeriodPaid = [];
                Advance(r.PeriodStart);
                break;
            case SubscriptionPlanChanged c: Subscription!.PlanId = c.ToPlanId; Advance(c.ChangedAt); break;
            case SubscriptionCancellationScheduled c: Subscription!.EndsAt = c.EndsAt; Advance(c.RequestedAt); break;
            case SubscriptionEnded end: Subscription = null; Advance(end.EndedAt); break;
            case GatewaySignalRaised s: SignalLevels[s.Signal.Subject] = s.Level; Totals.SignalsRaised++; break;
            case HoldPlaced h: Hold(h); Advance(h.PlacedAt); break;
            case HoldSettled h: Unhold(h.HoldId); break;
            case HoldReleased h: Unhold(h.HoldId); break;
            case PlanSubscriptionRequested r: Advance(r.RequestedAt); break;
            case PlanChangeRequested r: Advance(r.RequestedAt); break;
            case PlanCancellationRequested r: Advance(r.RequestedAt); break;
            case AccountClockTicked t: Advance(t.At); break;
        }
        NextDueAtUnixMs = NextDue()?.ToUnixTimeMilliseconds();
    }

    public void When(IEnumerable<object> events)
    {
        foreach (var e in events) When(e);
    }

    private void When(FundedUsage item)
    {
        ApplyAllocations(item.Allocations);
        Totals.UsageCharged += item.Amount;
        Totals.FundedEvents++;
        if (item.Flags.Contains(FundingFlags.UnknownPlan)) Totals.UnknownPlanEvents++;
        if (item.Flags.Any(f => f.StartsWith("over-cap", StringComparison.Ordinal))) Totals.OverCapEvents++;
        if (item.Flags.Contains(FundingFlags.OverCreditLimit)) Totals.OverCreditLimitEvents++;
        if (item.PlanId is { } planId)
        {
            CountPlanUsage(item.OccurredAt, item.Tokens);
            var stats = PlanMonth(planId, item.OccurredAt);
            stats.Requests++;
            stats.Tokens += item.Tokens;
            stats.RetailValue += item.Amount;
            stats.WholesaleCost += item.WholesaleCost ?? 0;
            stats.CoveredByPlan += item.Allocations.Where(a => a.Source == FundingSources.Plan).Sum(a => a.Amount);
        }
        Advance(item.OccurredAt);
    }

    private void ApplyAllocations(IEnumerable<Allocation> allocations)
    {
        foreach (var a in allocations)
        {
            switch (a.Source)
            {
                case FundingSources.Plan: Totals.PlanCovered += a.Amount; break;
                case FundingSources.Package: Package(a.SourceId!).RemainingTokens -= a.PackageTokens; Totals.PackagesCovered += a.Amount; break;
                case FundingSources.Credit: Credit(a.SourceId!).Remaining -= a.Amount; Totals.CreditsUsed += a.Amount; break;
                case FundingSources.Wallet: Wallet -= a.Amount; Totals.WalletUsed += a.Amount; break;
                case FundingSources.Postpaid: PostpaidUnbilled += a.Amount; Totals.PostpaidCharged += a.Amount; break;
            }
        }
    }

    private void CountPlanUsage(Instant occurredAt, long tokens)
    {
        var minute = occurredAt.ToUnixTimeSeconds() / 60;
        var index = Window.FindIndex(m => m.Minute == minute);
        if (index >= 0) Window[index] = Window[index] with { Requests = Window[index].Requests + 1, Tokens = Window[index].Tokens + tokens };
        else Window.Add(new MinuteUsage(minute, 1, tokens));
        var month = MonthKey(occurredAt);
        var counts = MonthUsage.TryGetValue(month, out var c) ? c : MonthUsage[month] = new long[2];
        counts[0] += 1;
        counts[1] += tokens;
    }

    private void Advance(Instant at)
    {
        if (at <= Clock) return;
        Clock = at;
        var oldest = (at - WindowLength).ToUnixTimeSeconds() / 60;
        Window.RemoveAll(m => m.Minute < oldest);
        var current = MonthKey(at);
        foreach (var stale in MonthUsage.Keys.Where(k => string.CompareOrdinal(k, current) < 0 && MonthUsage.Count > 3).ToList())
            MonthUsage.Remove(stale);
    }

    private PlanMonthStats PlanMonth(string planId, Instant at)
    {
        var key = $"{planId}|{MonthKey(at)}";
        if (PlanMonths.TryGetValue(key, out var stats)) return stats;
        PlanMonthKeys.Add(key);
        return PlanMonths[key] = new PlanMonthStats();
    }

    public string MonthKey(Instant at) => at.InZone(Zone).Date.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private CreditBalance Credit(string id) => Credits.First(c => c.GrantId == id);

    private PackageBalance Package(string id) => Packages.First(p => p.PackageId == id);
}
