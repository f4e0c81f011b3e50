using NodaTime;
using TokenLedger.Balances.Holds;
using TokenLedger.Tenants;

namespace TokenLedger.Balances.GettingBalance;

/// <summary>A credit grant; <c>Reserved</c>: the money of open holds that lands on it in the drawdown order (<see cref="HoldClaims.Lay"/>).</summary>
public sealed record CreditLine(string GrantId, decimal Granted, decimal Remaining, Instant ExpiresAt, int Priority, string Reason, decimal Reserved = 0);

/// <summary>A token package; <c>ReservedTokens</c>: the package tokens open holds reserve on it and it still has (<see cref="HoldClaims.Back"/>).</summary>
public sealed record PackageLine(string PackageId, string Name, decimal SizeTokens, decimal RemainingTokens, IReadOnlyList<string> Models,
    IReadOnlyDictionary<string, decimal> Weights, Instant ValidFrom, Instant ValidTo, decimal ReservedTokens = 0);

public sealed record PostpaidLine(decimal Unbilled, decimal? CreditLimit, decimal? Headroom);

/// <summary>A plan cap's use now; <c>ResetsAt</c> is when that use next falls (see <see cref="LimitUse"/>).</summary>
public sealed record CapLine(string Name, decimal Used, decimal Limit, decimal UtilisationPercent, string Unit, Instant? ResetsAt);

/// <summary>
/// Holds as funding has decided them: money <c>Held</c> by open holds, <c>Funds</c> (prepaid plus postpaid headroom;
/// null when postpaid is unlimited) and <c>Available</c> = funds − held, what a new hold or the credit limit sees. Where
/// the money held sits after the credits (each credit line shows its own part): on the wallet, on postpaid headroom,
/// and <c>Unfunded</c>, what no source covers (docs/holds.md, "When what a hold sits on goes away").
/// </summary>
public sealed record HoldsLine(decimal? Funds, decimal Held, decimal? Available, int Open, IReadOnlyList<OpenHold> Holds,
    decimal ReservedOnWallet = 0, decimal ReservedOnPostpaid = 0, decimal Unfunded = 0);

/// <summary>An open hold: <c>Source</c> where it sat when placed, <c>CurrentSource</c> where its claim sits now (<see cref="HoldClaims.Sources"/>).</summary>
public sealed record OpenHold(string HoldId, string RequestId, string Model, decimal Amount, string Source, string CurrentSource, string? PlanId, long Tokens,
    Instant PlacedAt, Instant ExpiresAt, string ActedBy, bool OnPlan, IReadOnlyList<PackageHold>? Packages)
{
    public static OpenHold Of(ActiveHold h, string currentSource) =>
        new(h.HoldId, h.RequestId, h.Model, h.Amount, h.Source, currentSource, h.PlanId, h.Tokens, h.PlacedAt, h.ExpiresAt, h.ActedBy, h.OnPlan, h.Packages);
}

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
        var backing = HoldClaims.Back(account.Holds, account.Packages, now);
        var held = backing.Sum(b => b.Money);
        var claims = HoldClaims.Lay(account, held, now);
        var reservedTokens = backing.SelectMany(b => b.Backed).GroupBy(p => p.PackageId).ToDictionary(g => g.Key, g => g.Sum(p => p.Tokens));
        var credits = account.Credits.Where(c => !c.Expired && c.Remaining > 0 && c.ExpiresAt > now)
            .OrderBy(c => c.ExpiresAt).Select(c => new CreditLine(c.GrantId, c.Granted, c.Remaining, c.ExpiresAt, c.Priority, c.Reason,
                claims.Credits.GetValueOrDefault(c.GrantId))).ToList();
        var packages = account.Packages.Where(p => !p.Expired && p.RemainingTokens > 0 && p.ValidTo > now)
            .OrderBy(p => p.ValidTo).Select(p => new PackageLine(p.PackageId, p.Name, p.SizeTokens, p.RemainingTokens, p.Models, p.Weights, p.ValidFrom, p.ValidTo,
                reservedTokens.GetValueOrDefault(p.PackageId))).ToList();
        var postpaid = new PostpaidLine(account.PostpaidUnbilled, account.CreditLimit, account.PostpaidHeadroom);
        var planLine = account.Subscription is { } s
            ? new PlanLine(s.PlanId, s.PeriodIndex, s.PeriodStart, s.PeriodEnd, s.EndsAt,
                plan is null ? [] : account.CapUseWithHolds(plan, Instant.Max(now, account.Clock))
                    .Select(u => new CapLine(u.Subject, u.Used, u.Limit, Math.Round(u.Percent, 2), u.Unit, u.ResetsAt)).ToList())
            : null;
        var wallet = Math.Max(0, account.Wallet);
        var funds = account.PostpaidHeadroom is { } headroom ? account.PrepaidFunds(now) + headroom : (decimal?)null;
        var sources = HoldClaims.Sources(account, backing, now);
        var holds = new HoldsLine(funds, held, funds - held, account.Holds.Count, [.. account.Holds.Select(h => OpenHold.Of(h, sources[h.HoldId]))],
            claims.Wallet, claims.Postpaid, claims.Unfunded);
        return new BalanceResponse(tenant.TenantId, tenant.Currency, now, wallet + credits.Sum(c => c.Remaining), account.Wallet, credits, packages,
            postpaid, account.DrawdownOrder, planLine, account.Totals, account.LastSequence, holds);
    }
}
