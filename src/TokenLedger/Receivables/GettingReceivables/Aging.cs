using NodaTime;

namespace TokenLedger.Receivables.GettingReceivables;

/// <summary>Open amounts by days past due: current (not yet past due), 1–30, 31–60, 61–90 and more than 90 days.</summary>
public sealed record AgingBuckets(decimal Current, decimal Days1To30, decimal Days31To60, decimal Days61To90, decimal Over90)
{
    public static readonly AgingBuckets Zero = new(0, 0, 0, 0, 0);
    public decimal Total => Current + Days1To30 + Days31To60 + Days61To90 + Over90;
    public decimal PastDue => Total - Current;

    public AgingBuckets Plus(AgingBuckets o) =>
        new(Current + o.Current, Days1To30 + o.Days1To30, Days31To60 + o.Days31To60, Days61To90 + o.Days61To90, Over90 + o.Over90);

    public IEnumerable<(string Bucket, decimal Amount)> ByName() =>
        [(Aging.Current, Current), (Aging.Days1To30, Days1To30), (Aging.Days31To60, Days31To60), (Aging.Days61To90, Days61To90), (Aging.Over90, Over90)];
}

/// <summary>
/// Days past due = the date of <c>asOf</c> in the tenant's zone minus the invoice's due date (a date in the same zone).
/// An invoice is due through its due date: on the due date it is 0 days past due (current), the day after 1.
/// Buckets: ≤ 0 current; 1–30; 31–60; 61–90; ≥ 91 "90+".
/// </summary>
public static class Aging
{
    public const string Current = "current";
    public const string Days1To30 = "1-30";
    public const string Days31To60 = "31-60";
    public const string Days61To90 = "61-90";
    public const string Over90 = "90+";

    public static int DaysPastDue(LocalDate dueDate, Instant asOf, DateTimeZone zone) => Period.DaysBetween(dueDate, asOf.InZone(zone).Date);

    public static string Bucket(int daysPastDue) => daysPastDue switch
    {
        <= 0 => Current,
        <= 30 => Days1To30,
        <= 60 => Days31To60,
        <= 90 => Days61To90,
        _ => Over90,
    };

    public static AgingBuckets Of(string bucket, decimal amount) => bucket switch
    {
        Current => AgingBuckets.Zero with { Current = amount },
        Days1To30 => AgingBuckets.Zero with { Days1To30 = amount },
        Days31To60 => AgingBuckets.Zero with { Days31To60 = amount },
        Days61To90 => AgingBuckets.Zero with { Days61To90 = amount },
        _ => AgingBuckets.Zero with { Over90 = amount },
    };

    public static AgingBuckets Age(IEnumerable<InvoiceStanding> open, Instant asOf, DateTimeZone zone)
    {
        var today = asOf.InZone(zone).Date;
        decimal current = 0, days1To30 = 0, days31To60 = 0, days61To90 = 0, over90 = 0;
        foreach (var invoice in open)
        {
            switch (Period.DaysBetween(invoice.DueDate, today))
            {
                case <= 0: current += invoice.Open; break;
                case <= 30: days1To30 += invoice.Open; break;
                case <= 60: days31To60 += invoice.Open; break;
                case <= 90: days61To90 += invoice.Open; break;
                default: over90 += invoice.Open; break;
            }
        }
        return new AgingBuckets(current, days1To30, days31To60, days61To90, over90);
    }
}
