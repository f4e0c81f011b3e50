using Marten;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Invoicing;
using TokenLedger.Invoicing.ClosingPeriod;

namespace TokenLedger.Api.Demo;

/// <summary>
/// Closes the demo's past months as the automatic close would have closed them had the ledger been running then: at the
/// month's end in the tenant's zone plus <see cref="InvoicingOptions.AutoCloseDelay"/>, so each invoice is issued and due on
/// its real dates and one that nobody pays is past due today. It is the ledger's own <see cref="PeriodCloser"/>, given a
/// clock that reads that instant; nothing else in the host sees that clock, and the public API offers no way to back-date
/// an issue date. The events are written now (Marten's timestamps say so); their issue dates are the simulated history's.
/// </summary>
public sealed class DemoClosing(IDocumentStore store, Npgsql.NpgsqlDataSource db, IOptions<InvoicingOptions> options, IClock clock, ILogger<DemoClosing> logger)
{
    /// <summary>The month's invoice, once its funding has caught up with the history just published; null if it cannot be issued.</summary>
    public async Task<Invoice?> CloseAsync(DemoTenant tenant, YearMonth month, TimeSpan patience, CancellationToken ct)
    {
        PeriodSpan.TryParse($"{month:yyyy-MM}", out var period);
        var closedAt = period.In(DateTimeZoneProviders.Tzdb[tenant.Zone]).End + Duration.FromTimeSpan(options.Value.AutoCloseDelay);
        var now = clock.GetCurrentInstant();
        var asOf = new FixedClock(closedAt < now ? closedAt : now);
        var closer = new PeriodCloser(store, db, options, asOf);
        var giveUpAt = now + Duration.FromTimeSpan(patience);
        while (true)
        {
            switch (await closer.CloseAsync(tenant.Id, period, ct))
            {
                case CloseOutcome.Issued issued: return issued.Invoice;
                case CloseOutcome.AlreadyIssued existing: return existing.Invoice;
                case CloseOutcome.NotFunded when clock.GetCurrentInstant() < giveUpAt:
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    break;
                case var outcome:
                    logger.LogWarning("Demo market: {Period} of {TenantId} was not closed: {Outcome}", period.Text, tenant.Id, outcome);
                    return null;
            }
        }
    }

    private sealed class FixedClock(Instant at) : IClock
    {
        public Instant GetCurrentInstant() => at;
    }
}
