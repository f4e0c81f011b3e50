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
            var outcome = await closer.CloseAsync(tenant.TenantId, month, ct, skipEmpty: true);
            Report(logger, tenant.TenantId, month.Text, outcome);
            if (outcome is CloseOutcome.Issued) issued++;
        }
        return issued;
    }

    /// <summary>
    /// Logs what became of one tenant's period. Every outcome that leaves the period without an invoice for a reason other
    /// than having nothing to bill is a warning with the tenant, the period and the reason; the next round tries again.
    /// </summary>
    internal static void Report(ILogger logger, string tenantId, string period, CloseOutcome outcome)
    {
        switch (outcome)
        {
            case CloseOutcome.Issued done:
                logger.LogInformation("Closed {Period} for {TenantId}: invoice {Number}", period, tenantId, done.Invoice.Number);
                break;
            case CloseOutcome.AlreadyIssued done:
                logger.LogDebug("{Period} for {TenantId} was already closed (invoice {Number})", period, tenantId, done.Invoice.Number);
                break;
            case CloseOutcome.NothingToBill:
                logger.LogDebug("{Period} for {TenantId} has nothing to bill; no invoice", period, tenantId);
                break;
            case CloseOutcome.NotFunded notFunded:
                Skipped(logger, tenantId, period, "not funded", notFunded.Detail);
                break;
            case CloseOutcome.NotEnded notEnded:
                Skipped(logger, tenantId, period, "not ended", notEnded.Detail);
                break;
            case CloseOutcome.OtherCadence other:
                Skipped(logger, tenantId, period, "other cadence", other.Detail);
                break;
            case CloseOutcome.TenantNotFound:
                Skipped(logger, tenantId, period, "tenant not found", $"tenant '{tenantId}' was not found");
                break;
            default:
                Skipped(logger, tenantId, period, outcome.GetType().Name, outcome.ToString());
                break;
        }
    }

    private static void Skipped(ILogger logger, string tenantId, string period, string reason, string detail) =>
        logger.LogWarning("Automatic close of {Period} for {TenantId} gave up this round ({Reason}): {Detail}", period, tenantId, reason, detail);

    /// <summary>The last period of the tenant's cadence that had ended at least <paramref name="delay"/> ago in the tenant's zone.</summary>
    public static PeriodSpan DuePeriod(Tenant tenant, string cadence, Instant now, TimeSpan delay) =>
        PeriodSpan.Containing((now - Duration.FromTimeSpan(delay)).InZone(tenant.Zone).Date, cadence).Previous();
}
