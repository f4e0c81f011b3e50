using NodaTime;

namespace TokenLedger.Balances.Funding;

/// <summary>What is still to be paid of one token class: its tokens and the money they cost.</summary>
public readonly record struct ClassCharge(string TokenClass, decimal Tokens, decimal Money);

/// <summary><paramref name="Tokens"/> package tokens taken from package <paramref name="PackageId"/>, standing for <paramref name="Amount"/> of the money.</summary>
public readonly record struct PackageTake(string PackageId, decimal Tokens, decimal Amount);

/// <summary>
/// The one rule by which token packages pay (pure, exact decimals), used by the usage drawdown (<see cref="Drawdown"/>)
/// and by a hold (<see cref="Holds.PackageHolds"/>) alike: the packages usable at the instant that cover the model,
/// soonest expiry first (then by id); each takes the package tokens of what is still unpaid of every class it weighs
/// (tokens × weight), at most its free tokens (remaining less what other holds reserve on it), and stands for the same
/// share of that money. A package that takes all it was asked pays the classes it weighs in full; one that takes part
/// leaves the rest of each of its classes to the next package, then to money. The parts never exceed <c>upTo</c>.
/// </summary>
public static class PackageDraw
{
    public static IEnumerable<PackageBalance> Candidates(IEnumerable<PackageBalance> packages, string model, Instant at) =>
        packages.Where(p => p.UsableAt(at) && p.CoversModel(model)).OrderBy(p => p.ValidTo).ThenBy(p => p.PackageId, StringComparer.Ordinal);

    public static List<PackageTake> Take(IEnumerable<PackageBalance> candidates, IReadOnlyList<ClassCharge> charge, decimal upTo, Func<string, decimal> reservedByOthers)
    {
        var takes = new List<PackageTake>();
        var unpaid = Enumerable.Repeat(1m, charge.Count).ToArray();
        var paid = 0m;
        foreach (var package in candidates)
        {
            if (paid >= upTo) break;
            decimal needed = 0m, money = 0m;
            for (var i = 0; i < charge.Count; i++)
            {
                if (!package.Weights.TryGetValue(charge[i].TokenClass, out var weight)) continue;
                needed += charge[i].Tokens * weight * unpaid[i];
                money += charge[i].Money * unpaid[i];
            }
            if (needed <= 0 || money <= 0) continue;
            var taken = Math.Min(package.RemainingTokens - reservedByOthers(package.PackageId), needed);
            if (taken <= 0) continue;
            var share = taken / needed;
            var part = Math.Min(taken == needed ? money : money * share, upTo - paid);
            for (var i = 0; i < charge.Count; i++)
                if (package.Weights.ContainsKey(charge[i].TokenClass)) unpaid[i] = taken == needed ? 0m : unpaid[i] * (1 - share);
            takes.Add(new PackageTake(package.PackageId, taken, part));
            paid += part;
        }
        return takes;
    }
}
