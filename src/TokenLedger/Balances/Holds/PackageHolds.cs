using NodaTime;
using TokenLedger.Balances.Funding;

namespace TokenLedger.Balances.Holds;

/// <summary>
/// How a hold sits on the tenant's token packages (pure). It takes packages by the usage drawdown's own rule (<see cref="PackageDraw"/>):
/// the packages usable now that cover the model, soonest expiry first, each taking the package tokens of the hold's
/// maximum tokens at its weights (all input counted as uncached input) and standing for that share of the amount. A
/// package's free tokens are its remaining tokens less what the holds that still count reserve on it (<see cref="HoldClaims"/>); the drawdown of
/// a usage event takes only the free tokens plus its own hold's, so a hold's package tokens are never spent by another
/// request. Packages are held on only when they come first in the drawdown order (so the usage draws on them first),
/// only for a hold priced by tokens (not one that names an amount), and only on a package valid until the hold expires.
/// </summary>
public static class PackageHolds
{
    /// <summary>The hold's parts on packages and the rest of its amount, which is held on money.</summary>
    public sealed record Take(IReadOnlyList<PackageHold> Parts, decimal Rest);

    /// <summary>What of <paramref name="ask"/> the packages take, in the drawdown's order, after the holds that still count (<paramref name="counted"/>).</summary>
    public static Take Place(TenantAccount account, IReadOnlyList<ActiveHold> counted, HoldAsk ask, Instant now)
    {
        if (ask.Priced is not { } priced || account.DrawdownOrder.FirstOrDefault() != "packages") return new Take([], ask.Amount);
        var expiresAt = now + ask.Ttl;
        var candidates = PackageDraw.Candidates(account.Packages, ask.Model, now).Where(p => p.ValidTo >= expiresAt).ToList();
        if (candidates.Count == 0) return new Take([], ask.Amount);

        var reserved = HoldClaims.Reserved(counted, account.Packages, now);
        // A hold counts all its input as uncached input, and prices its maximum tokens of each class.
        ClassCharge[] charge = [new("input", ask.MaxInputTokens, priced.Input), new("output", ask.MaxOutputTokens, priced.Output)];
        var parts = new List<PackageHold>();
        var rest = ask.Amount;
        foreach (var take in PackageDraw.Take(candidates, charge, ask.Amount, id => reserved.GetValueOrDefault(id)))
        {
            parts.Add(new PackageHold(take.PackageId, take.Tokens, take.Amount));
            rest -= take.Amount;
        }
        return new Take(parts, rest);
    }
}
