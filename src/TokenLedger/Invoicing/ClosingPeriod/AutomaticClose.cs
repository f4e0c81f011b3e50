using Marten;
using TokenLedger.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Tenants;

namespace TokenLedger.Invoicing.ClosingPeriod;

/// <summary>
/// Closes every tenant's previous period (month, quarter or ISO week, by its invoice terms) once it has been over for <see cref="InvoicingOptions.AutoCloseDelay"/> in the
/// tenant's zone, skipping tenants with nothing to bill. Every instance may run it: a period is issued once whoever
/// closes it (see <see cref="PeriodCloser"/>); a period whose funding lags is tried again on the next round.
/// </summary>
public sealed class AutomaticClose(IDocumentStore store, PeriodCloser closer, IClock clock, IOptions<InvoicingOptions> options, ILogger<AutomaticClose> logger)
    : RecurringService(logger)
{
    protected override TimeSpan Interval => options.Value.AutoCloseInterval;
    protected override string WorkName => "Automatic period close";
    protected override Task RunPassAsync(CancellationToken ct) => RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var tenants = await session.Query<Tenant>().ToListAsync(ct);
        var terms = (await session.Query<InvoiceTerms>().ToListAsync(ct)).ToDictionary(t => t.Id, StringComparer.Ordinal);
        var issued = 0;
        foreach (var tenant in tenants)
        {
            var cadence = terms.TryGetValue(tenant.TenantId, out var t) ? t.Cadence : Cadences.Monthly;
            var month = DuePeriod(tenant, cadence, clock.GetCurrentInstant(), options.Value.AutoCloseDelay);
            if (await session.LoadAsync<Invoice>(InvoiceStreams.For(tenant.TenantId, month.Text), ct) is not null) continue;
            if (await closer.CloseAsync(tenant.TenantId, month, ct, skipEmpty: true) is CloseOutcome.Issued done)
            {
                issued++;
                logger.LogInformation("Closed {Period} for {TenantId}: invoice {Number}", done.Invoice.Period, tenant.TenantId, done.Invoice.Number);
            }
        }
        return issued;
    }

    /// <summary>The last period of the tenant's cadence that had ended at least <paramref name="delay"/> ago in the tenant's zone.</summary>
    public static PeriodSpan DuePeriod(Tenant tenant, string cadence, Instant now, TimeSpan delay) =>
        PeriodSpan.Containing((now - Duration.FromTimeSpan(delay)).InZone(tenant.Zone).Date, cadence).Previous();
}
