using NodaTime;
using TokenLedger.Balances;

namespace TokenLedger.Invoicing;

/// <summary>
/// What the tenant's account stream adds to an invoice for a period: subscription fees (by ChargedAt), token packages
/// bought (by PurchasedAt), and for usage that occurred in the period the parts a plan, a package or promotional credits
/// paid (negative lines: that usage was prepaid). Wallet money applied to usage or fees is returned as prepaid, not a line.
/// </summary>
public static class AccountActivity
{
    /// <summary>How many of the invoice's usage events the funding subscription has decided for the account.</summary>
    public static int FundedEvents(IEnumerable<object> events, IReadOnlySet<string> billed) =>
        events.OfType<UsageFunded>().SelectMany(f => f.Items).Where(i => billed.Contains(i.EventId)).Select(i => i.EventId).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Fees and packages of the period; plan, package, credit and wallet parts of the usage the invoice bills.</summary>
    public static (IReadOnlyList<AccountCharge> Charges, decimal Prepaid) In(IEnumerable<object> events, Interval period, IReadOnlySet<string> billed)
    {
        var charges = new List<AccountCharge>();
        var allocations = new List<Allocation>();
        foreach (var e in events)
        {
            switch (e)
            {
                case SubscriptionFeeCharged fee when period.Contains(fee.ChargedAt):
                    charges.Add(new AccountCharge(InvoiceLineKinds.SubscriptionFee, $"Plan {fee.PlanId} fee ({fee.Kind}, period {fee.PeriodIndex + 1})", fee.Amount));
                    allocations.AddRange(fee.Allocations);
                    break;
                case TokenPackagePurchased package when period.Contains(package.PurchasedAt):
                    charges.Add(new AccountCharge(InvoiceLineKinds.TokenPackage, $"Token package {package.Name} ({package.PackageId})", package.PricePaid));
                    break;
                case UsageFunded funded:
                    allocations.AddRange(funded.Items.Where(i => billed.Contains(i.EventId)).SelectMany(i => i.Allocations));
                    break;
            }
        }

        charges.AddRange(Deductions(allocations, FundingSources.Plan, InvoiceLineKinds.CoveredByPlan, id => $"Covered by plan {id}"));
        charges.AddRange(Deductions(allocations, FundingSources.Package, InvoiceLineKinds.DrawnFromPackage, id => $"Drawn from token package {id}"));
        var credits = allocations.Where(a => a.Source == FundingSources.Credit).Sum(a => a.Amount);
        if (credits != 0) charges.Add(new AccountCharge(InvoiceLineKinds.Credits, "Promotional credits applied", -credits));
        return (charges, allocations.Where(a => a.Source == FundingSources.Wallet).Sum(a => a.Amount));
    }

    private static IEnumerable<AccountCharge> Deductions(List<Allocation> allocations, string source, string kind, Func<string, string> describe) =>
        allocations.Where(a => a.Source == source && a.Amount != 0)
            .GroupBy(a => a.SourceId ?? "")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AccountCharge(kind, describe(g.Key), -g.Sum(a => a.Amount)));
}
