using NodaTime;
using TokenLedger.Balances.Holds;
using TokenLedger.Plans;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// Decides what pays for one rated usage event: the plan (if it covers the model and no cap is reached, or the overage
/// policy is throttle), then the tenant's prepaid sources in its drawdown order (default: packages, credits soonest
/// expiry first, wallet), then postpaid. A source that covers only part of the charge pays that part and the rest falls
/// through; the allocations always sum exactly to the charge. Package tokens that open holds of other requests reserve
/// are left to them (<see cref="PackageHolds"/>).
/// </summary>
public static class Drawdown
{
    public static readonly string[] TokenClasses = ["input", "cachedInput", "cacheWrite", "output"];

    public static FundedUsage Fund(TenantAccount account, ChargedUsage usage, IReadOnlyDictionary<string, Plan> plans)
    {
        var amount = usage.Retail.Amount;
        var flags = new List<string>();
        var (countedPlan, planPays) = PlanCoverage(account, usage, plans, flags);
        var allocations = planPays
            ? [new Allocation(FundingSources.Plan, countedPlan, amount)]
            : Sources(account, usage, amount, flags);
        return new FundedUsage(usage.EventId, usage.OccurredAt, usage.Model, amount, usage.Tokens.Total, countedPlan, allocations, flags, usage.WholesaleCost);
    }

    private static (string? CountedPlan, bool PlanPays) PlanCoverage(TenantAccount account, ChargedUsage usage, IReadOnlyDictionary<string, Plan> plans, List<string> flags)
    {
        var subscription = account.Subscription;
        var plan = subscription is null ? null : plans.GetValueOrDefault(subscription.PlanId);
        if (usage.PlanId is not null && usage.PlanId != plan?.PlanId)
        {
            flags.Add(FundingFlags.UnknownPlan);
            return (null, false);
        }
        if (plan is null || usage.OccurredAt < subscription!.PeriodStart || !plan.Covers(usage.Model)) return (null, false);
        if (account.CapUse(plan, usage.OccurredAt).All(c => c.Used < c.Limit)) return (plan.PlanId, true);
        switch (plan.OveragePolicy)
        {
            case OveragePolicy.Throttle: flags.Add(FundingFlags.OverCapThrottled); return (plan.PlanId, true);
            case OveragePolicy.Block: flags.Add(FundingFlags.OverCapBlocked); return (plan.PlanId, false);
            default: flags.Add(FundingFlags.OverCapPayg); return (plan.PlanId, false);
        }
    }

    private static List<Allocation> Sources(TenantAccount account, ChargedUsage usage, decimal amount, List<string> flags)
    {
        var allocations = new List<Allocation>();
        var rest = amount;
        foreach (var source in account.DrawdownOrder)
        {
            if (rest <= 0) break;
            rest -= source switch
            {
                "packages" => FromPackages(account, usage, rest, allocations),
                "credits" => FromCredits(account, usage.OccurredAt, rest, allocations),
                "wallet" => FromWallet(account, rest, allocations),
                _ => 0m,
            };
        }
        if (rest > 0 || allocations.Count == 0)
        {
            if (account.CreditLimit is { } limit && rest > 0 && account.PostpaidUnbilled + rest > limit) flags.Add(FundingFlags.OverCreditLimit);
            allocations.Add(new Allocation(FundingSources.Postpaid, null, rest));
        }
        return allocations;
    }

    private static decimal FromPackages(TenantAccount account, ChargedUsage usage, decimal rest, List<Allocation> allocations)
    {
        var candidates = PackageDraw.Candidates(account.Packages, usage.Model, usage.OccurredAt).ToList();
        if (candidates.Count == 0) return 0m;
        // Package tokens other requests' holds still reserve are theirs: a usage event draws only on the rest and its own hold's.
        var heldByOthers = HoldClaims.Reserved(account.Holds, account.Packages, usage.OccurredAt, usage.RequestId);
        var takes = PackageDraw.Take(candidates, [.. TokenClasses.Select(c => new ClassCharge(c, Tokens(usage, c), Money(usage, c)))], rest,
            id => heldByOthers.GetValueOrDefault(id));
        allocations.AddRange(takes.Select(t => new Allocation(FundingSources.Package, t.PackageId, t.Amount, t.Tokens)));
        return takes.Sum(t => t.Amount);
    }

    private static decimal FromCredits(TenantAccount account, Instant at, decimal rest, List<Allocation> allocations)
    {
        var paid = 0m;
        foreach (var credit in UsableCredits(account, at))
        {
            if (paid >= rest) break;
            var part = Math.Min(credit.Remaining, rest - paid);
            allocations.Add(new Allocation(FundingSources.Credit, credit.GrantId, part));
            paid += part;
        }
        return paid;
    }

    /// <summary>The credits that pay at <paramref name="at"/>, in the order they pay: soonest expiry first, then higher priority, then by id.</summary>
    public static IEnumerable<CreditBalance> UsableCredits(TenantAccount account, Instant at) =>
        account.Credits.Where(c => !c.Expired && c.Remaining > 0 && at < c.ExpiresAt)
            .OrderBy(c => c.ExpiresAt).ThenByDescending(c => c.Priority).ThenBy(c => c.GrantId, StringComparer.Ordinal);

    private static decimal FromWallet(TenantAccount account, decimal rest, List<Allocation> allocations)
    {
        if (account.Wallet <= 0) return 0m;
        var part = Math.Min(account.Wallet, rest);
        allocations.Add(new Allocation(FundingSources.Wallet, null, part));
        return part;
    }

    private static decimal Tokens(ChargedUsage u, string tokenClass) => tokenClass switch
    {
        "input" => u.Tokens.Input,
        "cachedInput" => u.Tokens.CachedInput,
        "cacheWrite" => u.Tokens.CacheWrite,
        _ => u.Tokens.Output,
    };

    private static decimal Money(ChargedUsage u, string tokenClass) => tokenClass switch
    {
        "input" => u.Retail.Input,
        "cachedInput" => u.Retail.CachedInput,
        "cacheWrite" => u.Retail.CacheWrite,
        _ => u.Retail.Output,
    };
}
