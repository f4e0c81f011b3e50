using NodaTime;
using TokenLedger.Contracts.Signals;

namespace TokenLedger.Receivables.Dunning;

public static class DunningSteps
{
    public const string Reminder = "reminder";
    public const string FinalNotice = "final-notice";
    public const string Suspension = "suspension";
}

/// <summary>
/// The pure dunning decider. Days past due are counted in the tenant's zone: today's date there minus the due date.
/// Each open invoice takes each step whose day it has reached, once (step id tenant:invoice:step), so a runner that was
/// away takes the missed steps together. Reaching the suspension step suspends the tenant (once while suspended); a
/// suspended tenant whose past-due balance (open amount of invoices past their due date) is zero is reinstated.
/// </summary>
public static class DunningLadder
{
    public static int DaysPastDue(LocalDate dueDate, LocalDate today) => Period.Between(dueDate, today, PeriodUnits.Days).Days;

    public static IReadOnlyList<object> Decide(ReceivablesContext context, DunningOptions ladder)
    {
        var (tenant, account, invoices, now) = context;
        var today = now.InZone(tenant.Zone).Date;
        var events = new List<object>();
        var suspended = account.Suspended;
        var pastDue = invoices.Where(i => i.Open > 0 && DaysPastDue(i.DueDate, today) > 0).Sum(i => i.Open);
        foreach (var invoice in invoices.Where(i => i.Open > 0).OrderBy(i => i.DueDate).ThenBy(i => i.Number, StringComparer.Ordinal))
        {
            var days = DaysPastDue(invoice.DueDate, today);
            foreach (var (step, at) in Steps(ladder))
            {
                var stepId = $"{tenant.TenantId}:{invoice.Number}:{step}";
                if (days < at || account.Steps.Contains(stepId)) continue;
                events.Add(new DunningStepTaken(tenant.TenantId, stepId, invoice.Number, step, days, invoice.Open, now));
                if (step != DunningSteps.Suspension || suspended) continue;
                suspended = true;
                events.Add(new TenantSuspended(tenant.TenantId, $"invoice {invoice.Number} is {days} days past due", pastDue, now));
                events.Add(Signal(tenant.TenantId, GatewaySignals.Suspended, "refuse", account.Suspensions + 1, pastDue, tenant.Currency, now));
            }
        }
        events.AddRange(Reinstate(context));
        return events;
    }

    /// <summary>Reinstatement alone, for payments and write-offs: the context's invoices must already include them.</summary>
    public static IReadOnlyList<object> Reinstate(ReceivablesContext context)
    {
        var (tenant, account, invoices, now) = context;
        if (!account.Suspended) return [];
        var today = now.InZone(tenant.Zone).Date;
        if (invoices.Any(i => i.Open > 0 && DaysPastDue(i.DueDate, today) > 0)) return [];
        return [new TenantReinstated(tenant.TenantId, now), Signal(tenant.TenantId, GatewaySignals.Reinstated, "resume", account.Suspensions, 0, tenant.Currency, now)];
    }

    private static IEnumerable<(string Step, int Days)> Steps(DunningOptions o) =>
        [(DunningSteps.Reminder, o.ReminderDays), (DunningSteps.FinalNotice, o.FinalNoticeDays), (DunningSteps.Suspension, o.SuspensionDays)];

    private static ReceivablesSignalRaised Signal(string tenantId, string name, string action, int suspension, decimal pastDue, string currency, Instant at) =>
        new(new GatewaySignalV1($"{tenantId}:{name}:{suspension}", tenantId, name, "receivables", action, pastDue, 0, 0, currency, null, at.ToDateTimeOffset()));
}
