using NodaTime;
using TokenLedger.Tenants;

namespace TokenLedger.Balances.GettingBalance;

public sealed record CreditLine(string GrantId, decimal Granted, decimal Remaining, Instant ExpiresAt, int Priority, string Reason);

public sealed record PackageLine(string PackageId, string Name, decimal SizeTokens, decimal RemainingTokens, IReadOnlyList<string> Models,
    IReadOnlyDictionary<string, decimal> Weights, Instant ValidFrom, Instant ValidTo);

public sealed record PostpaidLine(decimal Unbilled, decimal? CreditLimit, decimal? Headroom);

/// <summary>A plan cap's use now; <c>ResetsAt</c> is when that use next falls (see <see cref="LimitUse"/>).</summary>
public sealed record CapLine(string Name, decimal Used, decimal Limit, decimal UtilisationPercent, string Unit, Instant? ResetsAt);

/// <summary>
/// Holds as funding has decided them: money <c>Held</c> by open holds, <c>Funds</c> (prepaid plus postpaid headroom;
/// null when postpaid is unlimited) and <c>Available</c> = funds − held, what a new hold or the credit limit sees.
/// </summary>
public sealed record HoldsLine(decimal? Funds, decimal Held, decimal? Available, int Open, IReadOnlyList<Holds.ActiveHold> Holds);

public sealed record PlanLine(string PlanId, int PeriodIndex, Instant PeriodStart, Instant PeriodEnd, Instant? EndsAt, IReadOnlyList<CapLine> Caps);

/// <summary>
/// A tenant's balance as of <c>asOf</c>: wallet, unexpired credits and packages, unbilled postpaid usage against the credit limit,
/// and the plan's caps. Figures are unrounded decimals; <c>totals</c> explains them as sums of the account stream's events.
/// </summary>
public sealed record BalanceResponse(
    string TenantId, string Currency, Instant AsOf, decimal AvailablePrepaid, decimal Wallet, IReadOnlyList<CreditLine> Credits,
    IReadOnlyList<PackageLine> Packages, PostpaidLine Postpaid, IReadOnlyList<string> DrawdownOrder, PlanLine? Plan,
    AccountTotals Totals, long ProcessedThroughSequence, HoldsLine Holds)
{
    public static BalanceResponse From(TenantAccount account, Tenant tenant, Instant now, Plans.Plan? plan = null)
    {
        var credits = account.Credits.Where(c => !c.Expired && c.Remaining > 0 && c.ExpiresAt > now)
            .OrderBy(c => c.ExpiresAt).Select(c => new CreditLine(c.GrantId, c.Granted, c.Remaining, c.ExpiresAt, c.Priority, c.Reason)).ToList();
        var packages = account.Packages.Where(p => !p.Expired && p.RemainingTokens > 0 && p.ValidTo > now)
            .OrderBy(p => p.ValidTo).Select(p => new PackageLine(p.PackageId, p.Name, p.SizeTokens, p.RemainingTokens, p.Models, p.Weights, p.ValidFrom, p.ValidTo)).ToList();
        var postpaid = new PostpaidLine(account.PostpaidUnbilled, account.CreditLimit,
            account.CreditLimit is { } limit ? Math.Max(0, limit - account.PostpaidUnbilled) : null);
        var planLine = account.Subscription is { } s
            ? new PlanLine(s.PlanId, s.PeriodIndex, s.PeriodStart, s.PeriodEnd, s.EndsAt,
                plan is null ? [] : account.CapUseWithHolds(plan, Instant.Max(now, account.Clock))
                    .Select(u => new CapLine(u.Subject, u.Used, u.Limit, Math.Round(u.Percent, 2), u.Unit, u.ResetsAt)).ToList())
            : null;
        var wallet = Math.Max(0, account.Wallet);
        var funds = account.PostpaidHeadroom is { } headroom ? account.PrepaidFunds(now) + headroom : (decimal?)null;
        var held = account.MoneyHeldAt(now);
        var holds = new HoldsLine(funds, held, funds - held, account.Holds.Count, account.Holds);
        return new BalanceResponse(tenant.TenantId, tenant.Currency, now, wallet + credits.Sum(c => c.Remaining), account.Wallet, credits, packages,
            postpaid, account.DrawdownOrder, planLine, account.Totals, account.LastSequence, holds);
    }
}
