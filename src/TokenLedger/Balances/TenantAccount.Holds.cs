using NodaTime;
using TokenLedger.Balances.Holds;
using TokenLedger.Plans;

namespace TokenLedger.Balances;

public sealed partial class TenantAccount
{
    /// <summary>Holds placed and not yet settled or released, as funding has decided them in ledger order.</summary>
    public List<ActiveHold> Holds { get; set; } = [];

    /// <summary>The version of <c>holds:{tenant}</c> funding has read up to; later facts are the hold desk's tail.</summary>
    public long HoldsVersion { get; set; }

    /// <summary>The earliest expiry of an open hold (Unix ms), indexed so the expiry sweeper finds due tenants.</summary>
    public long? NextHoldExpiryUnixMs { get; set; }

    /// <summary>Prepaid money the drawdown order can spend at <paramref name="at"/>: unexpired credits and a positive wallet (packages are in tokens).</summary>
    public decimal PrepaidFunds(Instant at) =>
        (DrawdownOrder.Contains("credits") ? Credits.Where(c => !c.Expired && c.Remaining > 0 && at < c.ExpiresAt).Sum(c => c.Remaining) : 0m)
        + (DrawdownOrder.Contains("wallet") ? Math.Max(0, Wallet) : 0m);

    /// <summary>What postpaid may still take before the credit limit; null when postpaid is unlimited.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public decimal? PostpaidHeadroom => CreditLimit is { } limit ? Math.Max(0, limit - PostpaidUnbilled) : null;

    /// <summary>Money reserved by open holds at the account's clock (<see cref="MoneyHeldAt"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore] public decimal MoneyHeld => MoneyHeldAt(Clock);

    /// <summary>
    /// Money reserved by open holds at <paramref name="at"/>: holds on the plan reserve quota and holds on packages package
    /// tokens, not money, except the package tokens that no longer exist then, which are held on money (<see cref="HoldClaims"/>).
    /// </summary>
    public decimal MoneyHeldAt(Instant at) => HoldClaims.Money(Holds, Packages, at);

    /// <summary>Cap use counting open plan holds as one request and their maximum tokens each.</summary>
    public IReadOnlyList<LimitUse> CapUseWithHolds(Plan plan, Instant at) => WithHeld(CapUse(plan, at), plan, Holds);

    public static IReadOnlyList<LimitUse> WithHeld(IReadOnlyList<LimitUse> uses, Plan plan, IEnumerable<ActiveHold> holds)
    {
        var onPlan = holds.Where(h => h.OnPlan && h.PlanId == plan.PlanId).ToList();
        return uses.Zip(plan.Caps, (use, cap) => use with
        {
            Used = use.Used + (cap.Unit == CapUnit.Requests ? onPlan.Count : onPlan.Sum(h => h.Tokens)),
        }).ToList();
    }

    private void Hold(HoldPlaced placed)
    {
        if (Holds.All(h => h.HoldId != placed.HoldId && h.RequestId != placed.RequestId)) Holds.Add(ActiveHold.Of(placed));
        NextHoldExpiryUnixMs = Holds.Count == 0 ? null : Holds.Min(h => h.ExpiresAt).ToUnixTimeMilliseconds();
    }

    private void Unhold(string holdId)
    {
        Holds.RemoveAll(h => h.HoldId == holdId);
        NextHoldExpiryUnixMs = Holds.Count == 0 ? null : Holds.Min(h => h.ExpiresAt).ToUnixTimeMilliseconds();
    }
}
