using NodaTime;
using TokenLedger.Balances.Holds;
using TokenLedger.Plans;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// The account's decider: given the account, one input (an account command's fact, a clock tick, or a batch of rated
/// usage) and the plan catalog, it returns the events that record what the input decided. Each decided event is applied
/// to the account as it is decided, so later decisions in the same input see earlier ones; no I/O, no clock.
/// </summary>
public static class AccountDecider
{
    public static IReadOnlyList<object> Handle(TenantAccount account, object input, FundingContext context)
    {
        var decided = new Decided(account);
        if (account.Id.Length == 0) decided.Add(new AccountOpened(context.TenantId, context.Currency, context.TimeZone));
        switch (input)
        {
            case RatedUsageBatch batch: FundUsage(decided, batch, context); break;
            case FundsToppedUp topUp: CatchUp(decided, topUp.ReceivedAt, context); account.When(topUp); SettleArrears(decided, topUp); break;
            case RefundRequested refund: CatchUp(decided, refund.RequestedAt, context); account.When(refund); decided.Add(DecideRefund(account, refund)); break;
            case PlanSubscriptionRequested subscribe: CatchUp(decided, subscribe.RequestedAt, context); account.When(subscribe); Subscriptions.Start(decided, subscribe, context); break;
            case PlanChangeRequested change: CatchUp(decided, change.RequestedAt, context); account.When(change); Subscriptions.Change(decided, change, context); break;
            case PlanCancellationRequested cancel: CatchUp(decided, cancel.RequestedAt, context); account.When(cancel); Subscriptions.Cancel(decided, cancel); break;
            case AccountClockTicked tick: CatchUp(decided, tick.At, context); account.When(tick); break;
            case HoldFactRead hold: CatchUp(decided, hold.Fact.At, context); HoldSettlement.Apply(decided, hold); break;
            default: CatchUp(decided, At(input) ?? account.Clock, context); account.When(input); break;
        }
        CapSignals.Raise(decided, context);
        return decided.Events;
    }

    private static void FundUsage(Decided decided, RatedUsageBatch batch, FundingContext context)
    {
        var pending = new List<FundedUsage>();
        foreach (var usage in batch.Items)
        {
            var expiries = new Decided(decided.Account);
            CatchUp(expiries, usage.OccurredAt, context);
            if (expiries.Events.Count > 0)
            {
                // Keep the recorded order equal to the order of application.
                Flush(decided, batch, pending);
                decided.AddApplied(expiries.Events);
            }
            var funded = Drawdown.Fund(decided.Account, usage, context.Plans);
            decided.Account.When(new UsageFunded(batch.TenantId, batch.BatchId, [funded]));
            pending.Add(funded);
            // Settling only removes the hold, so it commutes with the funding recorded in the page's stream.
            HoldSettlement.Settle(decided, batch.TenantId, usage, funded);
        }
        Flush(decided, batch, pending);
    }

    private static void Flush(Decided decided, RatedUsageBatch batch, List<FundedUsage> pending)
    {
        if (pending.Count == 0) return;
        decided.AddApplied([new UsageFunded(batch.TenantId, batch.BatchId, [.. pending])]);
        pending.Clear();
    }

    /// <summary>Everything time alone decides up to <paramref name="at"/>: credits and packages expiring, renewals, cancellations taking effect.</summary>
    public static void CatchUp(Decided decided, Instant at, FundingContext context)
    {
        var account = decided.Account;
        foreach (var credit in account.Credits.Where(c => !c.Expired && c.ExpiresAt <= at).OrderBy(c => c.ExpiresAt).ToList())
            decided.Add(new CreditExpired(account.Id, credit.GrantId, credit.Remaining, credit.ExpiresAt));
        foreach (var package in account.Packages.Where(p => !p.Expired && p.ValidTo <= at).OrderBy(p => p.ValidTo).ToList())
            decided.Add(new TokenPackageExpired(account.Id, package.PackageId, package.RemainingTokens, package.ValidTo));
        Subscriptions.Renew(decided, at, context);
    }

    private static void SettleArrears(Decided decided, FundsToppedUp topUp)
    {
        var settled = Math.Min(topUp.Amount, decided.Account.PostpaidUnbilled);
        if (settled > 0) decided.Add(new ArrearsSettled(topUp.TenantId, topUp.TopUpId, settled));
    }

    private static object DecideRefund(TenantAccount account, RefundRequested refund) =>
        refund.Amount <= account.Wallet
            ? new RefundPaid(refund.TenantId, refund.RefundId, refund.Amount)
            : new RefundRefused(refund.TenantId, refund.RefundId, refund.Amount, account.Wallet, "the wallet holds less than the refund when it was processed");

    private static Instant? At(object input) => input switch
    {
        CreditGranted g => g.GrantedAt,
        BalanceAdjusted a => a.AdjustedAt,
        TokenPackagePurchased p => p.PurchasedAt,
        CreditTermsSet c => c.SetAt,
        _ => null,
    };
}

/// <summary>The events decided so far for one input, each applied to the account when added.</summary>
public sealed class Decided(TenantAccount account)
{
    private readonly List<object> _events = [];
    public TenantAccount Account { get; } = account;
    public IReadOnlyList<object> Events => _events;

    public void Add(object e)
    {
        Account.When(e);
        _events.Add(e);
    }

    /// <summary>Records events that were already applied to the account.</summary>
    public void AddApplied(IEnumerable<object> events) => _events.AddRange(events);
}
