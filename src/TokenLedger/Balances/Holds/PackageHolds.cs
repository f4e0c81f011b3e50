using NodaTime;

namespace TokenLedger.Balances.Holds;

/// <summary>
/// How a hold sits on the tenant's token packages (pure). It follows the usage drawdown (<c>Drawdown.FromPackages</c>):
/// the packages usable now that cover the model, soonest expiry first, each taking the package tokens of the hold's
/// maximum tokens at its weights (all input counted as uncached input) and standing for that share of the amount. A
/// package's free tokens are its remaining tokens less what the holds that still count reserve on it; the drawdown of
/// a usage event takes only the free tokens plus its own hold's, so a hold's package tokens are never spent by another
/// request. Packages are held on only when they come first in the drawdown order (so the usage draws on them first),
/// only for a hold priced by tokens (not one that names an amount), and only on a package valid until the hold expires.
/// </summary>
public static class PackageHolds
{
    /// <summary>The hold's parts on packages and the rest of its amount, which is held on money.</summary>
    public sealed record Take(IReadOnlyList<PackageHold> Parts, decimal Rest);

    /// <summary>Package tokens reserved per package by <paramref name="holds"/>, leaving out the hold of request <paramref name="exceptRequestId"/>.</summary>
    public static Dictionary<string, decimal> Reserved(IEnumerable<ActiveHold> holds, string? exceptRequestId = null)
    {
        var reserved = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var hold in holds)
        {
            if (hold.Packages is not { Count: > 0 } parts || (exceptRequestId is not null && hold.RequestId == exceptRequestId)) continue;
            foreach (var part in parts) reserved[part.PackageId] = reserved.GetValueOrDefault(part.PackageId) + part.Tokens;
        }
        return reserved;
    }

    /// <summary>What of <paramref name="ask"/> the packages take, in the drawdown's order, after the holds that still count (<paramref name="counted"/>).</summary>
    public static Take Place(TenantAccount account, IReadOnlyList<ActiveHold> counted, HoldAsk ask, Instant now)
    {
        if (ask.Priced is not { } priced || account.DrawdownOrder.FirstOrDefault() != "packages") return new Take([], ask.Amount);
        var expiresAt = now + ask.Ttl;
        var candidates = account.Packages.Where(p => p.UsableAt(now) && p.ValidTo >= expiresAt && p.CoversModel(ask.Model))
            .OrderBy(p => p.ValidTo).ThenBy(p => p.PackageId, StringComparer.Ordinal).ToList();
        if (candidates.Count == 0) return new Take([], ask.Amount);

        var reserved = Reserved(counted);
        var parts = new List<PackageHold>();
        var rest = ask.Amount;
        decimal unpaidInput = 1m, unpaidOutput = 1m;
        foreach (var package in candidates)
        {
            if (rest <= 0) break;
            var inputWeight = package.Weights.GetValueOrDefault("input");
            var outputWeight = package.Weights.GetValueOrDefault("output");
            var needed = ask.MaxInputTokens * inputWeight * unpaidInput + ask.MaxOutputTokens * outputWeight * unpaidOutput;
            var money = (inputWeight > 0 ? priced.Input * unpaidInput : 0m) + (outputWeight > 0 ? priced.Output * unpaidOutput : 0m);
            if (needed <= 0 || money <= 0) continue;
            var taken = Math.Min(package.RemainingTokens - reserved.GetValueOrDefault(package.PackageId), needed);
            if (taken <= 0) continue;
            var share = taken / needed;
            var part = Math.Min(taken == needed ? money : money * share, rest);
            if (inputWeight > 0) unpaidInput = taken == needed ? 0m : unpaidInput * (1 - share);
            if (outputWeight > 0) unpaidOutput = taken == needed ? 0m : unpaidOutput * (1 - share);
            parts.Add(new PackageHold(package.PackageId, taken, part));
            rest -= part;
        }
        return new Take(parts, rest);
    }
}
