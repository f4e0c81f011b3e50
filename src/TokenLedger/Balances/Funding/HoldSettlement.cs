using TokenLedger.Balances.Holds;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// What the holds stream's facts and held usage do to the account, decided in ledger order so each hold ends once:
/// a placement opens the hold; the first usage carrying its requestId settles it (charged through the normal drawdown,
/// the rest released); a void or an expiry releases it if it is still open, and does nothing after a settlement.
/// </summary>
public static class HoldSettlement
{
    public static void Apply(Decided decided, HoldFactRead read)
    {
        var account = decided.Account;
        account.HoldsVersion = Math.Max(account.HoldsVersion, read.Version);
        switch (read.Fact)
        {
            case HoldPlaced placed:
                account.When(placed);
                break;
            case HoldVoided voided when Open(account, voided.HoldId) is { } hold:
                decided.Add(new HoldReleased(account.Id, hold.HoldId, hold.RequestId, hold.Source, hold.Amount, HoldReasons.Voided, voided.VoidedAt, voided.ActedBy));
                break;
            case HoldExpired expired when Open(account, expired.HoldId) is { } hold:
                decided.Add(new HoldReleased(account.Id, hold.HoldId, hold.RequestId, hold.Source, hold.Amount, HoldReasons.Expired, expired.ExpiredAt, hold.ActedBy));
                break;
        }
    }

    public static void Settle(Decided decided, string tenantId, ChargedUsage usage, FundedUsage funded)
    {
        if (usage.RequestId is not { } requestId) return;
        if (decided.Account.Holds.FirstOrDefault(h => h.RequestId == requestId) is not { } hold) return;
        var released = hold.OnPlan ? 0m : Math.Max(0, hold.Amount - funded.Amount);
        decided.Add(new HoldSettled(tenantId, hold.HoldId, requestId, usage.EventId, hold.Source, hold.Amount, funded.Amount, released, usage.OccurredAt, hold.ActedBy));
    }

    private static ActiveHold? Open(TenantAccount account, string holdId) => account.Holds.FirstOrDefault(h => h.HoldId == holdId);
}
