using NodaTime;
using TokenLedger.Contracts.Signals;
using TokenLedger.Plans;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// Compares every limit's level (below 80%, 80%, 100%) at the account's clock with the level last signalled, and raises
/// a signal for each change: warning on reaching 80%, reached on 100%, recovered when it falls below the level signalled
/// (the window rolled, a new month began, a top-up paid off postpaid usage, or the plan changed). A level that does not
/// change raises nothing, so one crossing gives one signal.
/// </summary>
public static class CapSignals
{
    public static void Raise(Decided decided, FundingContext context)
    {
        var account = decided.Account;
        var uses = new List<(LimitUse Use, Plan? Plan)>();
        if (account.Subscription is { } s && context.Plans.TryGetValue(s.PlanId, out var plan))
            uses.AddRange(account.CapUseWithHolds(plan, account.Clock).Select(u => (u, (Plan?)plan)));
        if (account.CreditUse() is { } credit) uses.Add((credit, null));

        foreach (var (use, owner) in uses)
        {
            var previous = account.SignalLevels.GetValueOrDefault(use.Subject);
            if (use.Level != previous) decided.Add(Signal(account, use, owner, previous, context));
        }
        foreach (var stale in account.SignalLevels.Where(kv => kv.Value > 0 && uses.All(u => u.Use.Subject != kv.Key)).ToList())
            decided.Add(Signal(account, new LimitUse(stale.Key, 0, 0, ""), null, stale.Value, context));
    }

    private static GatewaySignalRaised Signal(TenantAccount account, LimitUse use, Plan? plan, int previous, FundingContext context)
    {
        var credit = use.Subject == TenantAccount.CreditLimitSubject;
        var level = use.Limit == 0 && !credit ? 0 : use.Level;
        var name = (level, credit) switch
        {
            (100, false) => GatewaySignals.CapReached,
            (80, false) when previous < 80 => GatewaySignals.CapWarning,
            (_, false) => GatewaySignals.CapRecovered,
            (100, true) => GatewaySignals.CreditLimitReached,
            (80, true) when previous < 80 => GatewaySignals.CreditLimitWarning,
            _ => GatewaySignals.CreditLimitRecovered,
        };
        var action = name switch
        {
            GatewaySignals.CapReached => plan?.OveragePolicy switch { OveragePolicy.Block => "refuse", OveragePolicy.Throttle => "throttle", _ => "warn" },
            GatewaySignals.CreditLimitReached => "refuse",
            GatewaySignals.CapWarning or GatewaySignals.CreditLimitWarning => "warn",
            _ => "resume",
        };
        var signal = new GatewaySignalV1(
            $"{account.Id}:{use.Subject}:{level}:{context.Sequence}", account.Id, name, use.Subject, action,
            use.Used, use.Limit, Math.Round(use.Percent, 2, MidpointRounding.AwayFromZero), use.Unit, plan?.PlanId,
            account.Clock.ToDateTimeOffset());
        return new GatewaySignalRaised(signal, level);
    }
}
