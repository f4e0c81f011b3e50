using NodaTime;
using TokenLedger.Balances.Funding;

namespace TokenLedger.Balances.Holds;

/// <summary>
/// One hold's claim at an instant: the package tokens still <paramref name="Backed"/> (and the part of its amount they
/// stand for), and the <paramref name="Money"/> it holds, which includes every package part that lost its tokens.
/// </summary>
public sealed record HoldBacking(ActiveHold Hold, IReadOnlyList<PackageHold> Backed, decimal Money);

/// <summary>Money held, laid over the sources that would pay it in the drawdown order, and what none of them covers.</summary>
public sealed record MoneyClaims(IReadOnlyDictionary<string, decimal> Credits, decimal Wallet, decimal Postpaid, decimal Unfunded);

/// <summary>
/// What the holds that still count claim of what the account still has at an instant (pure). A hold never claims what
/// no longer exists:
/// <list type="bullet">
/// <item>A package part is backed only by tokens the package still has at the instant (not expired, before its
/// <c>validTo</c>); the holds on one package keep their tokens in the order they were placed. A part that lost its
/// tokens (the package expired, or usage funded before the hold was read spent them) falls back to money: the amount
/// those tokens stood for is held on money, like any money hold, so <c>held</c> grows and <c>available</c> falls.</item>
/// <item>Money held is not tied to one credit: it is laid over the sources in the drawdown order (unexpired credits
/// soonest expiry first, the wallet, then postpaid headroom), so when a credit expires or usage without a hold spends
/// it, the claim moves on to the next source that has room.</item>
/// <item>What no source covers is <c>unfunded</c>: the holds stay (the gateway was told the request may run), available
/// goes below zero by that much, every new money hold is refused until holds end or funds arrive, and the part beyond
/// prepaid funds counts against the credit limit (<see cref="TenantAccount.CreditUse"/>).</item>
/// </list>
/// </summary>
public static class HoldClaims
{
    public static IReadOnlyList<HoldBacking> Back(IEnumerable<ActiveHold> holds, IReadOnlyList<PackageBalance> packages, Instant at)
    {
        Dictionary<string, decimal>? left = null;
        var backings = new List<HoldBacking>();
        foreach (var hold in holds)
        {
            if (hold.Packages is not { Count: > 0 } parts)
            {
                backings.Add(new HoldBacking(hold, [], hold.Money));
                continue;
            }
            left ??= packages.ToDictionary(p => p.PackageId, p => !p.Expired && at < p.ValidTo ? Math.Max(0, p.RemainingTokens) : 0m, StringComparer.Ordinal);
            var backed = new List<PackageHold>(parts.Count);
            var money = hold.Money;
            foreach (var part in parts)
            {
                var has = left.GetValueOrDefault(part.PackageId);
                var tokens = Math.Min(part.Tokens, has);
                left[part.PackageId] = has - tokens;
                if (tokens == part.Tokens)
                {
                    backed.Add(part);
                    continue;
                }
                // The tokens still there stand for their share of the part; the rest of its amount is held on money.
                var amount = tokens > 0 ? part.Amount * tokens / part.Tokens : 0m;
                if (tokens > 0) backed.Add(new PackageHold(part.PackageId, tokens, amount));
                money += part.Amount - amount;
            }
            backings.Add(new HoldBacking(hold, backed, money));
        }
        return backings;
    }

    /// <summary>Money held by <paramref name="holds"/> at <paramref name="at"/>, package parts that lost their tokens included.</summary>
    public static decimal Money(IEnumerable<ActiveHold> holds, IReadOnlyList<PackageBalance> packages, Instant at) =>
        holds.Any(h => h.Packages is { Count: > 0 }) ? Back(holds, packages, at).Sum(b => b.Money) : holds.Sum(h => h.Money);

    /// <summary>Package tokens still backed per package, leaving out the hold of request <paramref name="exceptRequestId"/>.</summary>
    public static Dictionary<string, decimal> Reserved(IEnumerable<ActiveHold> holds, IReadOnlyList<PackageBalance> packages, Instant at, string? exceptRequestId = null)
    {
        var reserved = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (!holds.Any(h => h.Packages is { Count: > 0 })) return reserved;
        foreach (var backing in Back(holds, packages, at))
        {
            if (exceptRequestId is not null && backing.Hold.RequestId == exceptRequestId) continue;
            foreach (var part in backing.Backed) reserved[part.PackageId] = reserved.GetValueOrDefault(part.PackageId) + part.Tokens;
        }
        return reserved;
    }

    /// <summary>What no source covers: the name <see cref="Sources"/> gives a hold whose last part lands beyond every source.</summary>
    public const string Unfunded = "unfunded";

    /// <summary>
    /// Where each backed hold's claim sits now, by hold id (a hold's <c>source</c> is where it sat when placed): <c>plan</c>
    /// for plan holds; <c>package</c> when package tokens still back all of it; otherwise the source its last part of
    /// money lands on, the holds' money laid over the sources in ledger order (the order they were placed), as <see cref="Lay"/> lays
    /// it in all (<c>credit</c>, <c>wallet</c>, <c>postpaid</c>, or <see cref="Unfunded"/>).
    /// </summary>
    public static Dictionary<string, string> Sources(TenantAccount account, IEnumerable<HoldBacking> backings, Instant at)
    {
        var capacities = MoneySources(account, at);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var laid = 0m;
        foreach (var backing in backings)
        {
            var hold = backing.Hold;
            if (hold.OnPlan || backing.Money == 0)
            {
                sources[hold.HoldId] = hold.OnPlan ? FundingSources.Plan : backing.Backed.Count > 0 ? FundingSources.Package : hold.Source;
                continue;
            }
            laid += backing.Money;
            sources[hold.HoldId] = LandsOn(capacities, laid);
        }
        return sources;
    }

    /// <summary>
    /// The money sources in the tenant's drawdown order with what each can take at <paramref name="at"/>: the usable
    /// credits together, the positive wallet, then postpaid headroom (unlimited when postpaid is).
    /// </summary>
    public static IReadOnlyList<(string Source, decimal Capacity)> MoneySources(TenantAccount account, Instant at)
    {
        var sources = new List<(string Source, decimal Capacity)>();
        foreach (var source in account.DrawdownOrder)
        {
            if (source == "credits") sources.Add((FundingSources.Credit, Drawdown.UsableCredits(account, at).Sum(c => c.Remaining)));
            else if (source == "wallet") sources.Add((FundingSources.Wallet, Math.Max(0, account.Wallet)));
        }
        sources.Add((FundingSources.Postpaid, account.PostpaidHeadroom ?? decimal.MaxValue));
        return sources;
    }

    private static string LandsOn(IReadOnlyList<(string Source, decimal Capacity)> capacities, decimal laid)
    {
        foreach (var (source, capacity) in capacities)
        {
            if (laid <= capacity) return source;
            laid -= capacity;
        }
        return Unfunded;
    }

    /// <summary>Lays <paramref name="money"/> over the account's sources at <paramref name="at"/>, in the drawdown order.</summary>
    public static MoneyClaims Lay(TenantAccount account, decimal money, Instant at)
    {
        var left = money;
        var credits = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var wallet = 0m;
        foreach (var source in account.DrawdownOrder)
        {
            if (source == "credits")
                foreach (var credit in Drawdown.UsableCredits(account, at))
                {
                    var take = Math.Min(credit.Remaining, left);
                    if (take <= 0) break;
                    credits[credit.GrantId] = take;
                    left -= take;
                }
            else if (source == "wallet")
            {
                wallet = Math.Min(Math.Max(0, account.Wallet), left);
                left -= wallet;
            }
        }
        var postpaid = account.PostpaidHeadroom is { } headroom ? Math.Min(headroom, left) : left;
        return new MoneyClaims(credits, wallet, postpaid, left - postpaid);
    }
}
