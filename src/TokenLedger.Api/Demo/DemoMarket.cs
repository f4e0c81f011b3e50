using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Invoicing;
using TokenLedger.Receivables.Dunning;

namespace TokenLedger.Api.Demo;

/// <summary>Completed once the demo market is seeded (or found seeded); the live demo gateway starts then.</summary>
public sealed class DemoReadiness
{
    public TaskCompletionSource Seeded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// <c>ops/run --demo</c>: seeds a small but complete market through the public API once the service listens: price books
/// (retail and wholesale), the house and a two-hop distributor chain, tenants with wallets, credits, packages and credit
/// limits, a Coding Plan tenant, two past months of usage closed into invoices on their real dates (see
/// <see cref="DemoClosing"/>), most of them paid on time and one tenant's overdue into dunning, an upstream prepayment
/// and an upstream statement with discrepancies. Runs once per database: a tenant of the market already there means seeded.
/// </summary>
public sealed class DemoMarket(
    IOptions<TokenLedgerOptions> settings, DemoTransport transport, IHostApplicationLifetime lifetime, IClock clock, DemoReadiness readiness,
    DemoClosing closing, DunningRunner dunning, ILogger<DemoMarket> logger) : BackgroundService
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await StartedAsync(stoppingToken);
            if (settings.Value.AdminKey is not { } key)
            {
                logger.LogWarning("Demo market: no environment admin key (TOKENLEDGER_ADMIN_KEY=disabled), so nothing is seeded");
                return;
            }
            using var http = transport.ClientFor(key);
            var api = new DemoApi(http, logger);
            if (await api.GetAsync($"/api/tenants/{DemoCatalog.PlanTenant}", stoppingToken) is not null)
                logger.LogInformation("Demo market already seeded in this database");
            else
                await SeedAsync(api, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Demo market: seeding stopped");
        }
        finally
        {
            readiness.Seeded.TrySetResult();
        }
    }

    private async Task SeedAsync(DemoApi api, CancellationToken ct)
    {
        var thisMonth = clock.GetCurrentInstant().InZone(Shanghai).Date.ToYearMonth();
        var months = new[] { thisMonth.PlusMonths(-2), thisMonth.PlusMonths(-1) };
        var effectiveFrom = $"{thisMonth.PlusMonths(-3).OnDayOfMonth(1):yyyy-MM-dd}T00:00:00+08:00";
        logger.LogInformation("Demo market: seeding prices from {From}, usage for {First} and {Last}, invoices for both", effectiveFrom, months[0], months[1]);

        await DemoSeeding.CatalogAsync(api, effectiveFrom, ct);
        await DemoSeeding.AccountsAsync(api, effectiveFrom, ct);
        var upstreamDays = await DemoSeeding.HistoryAsync(api, months, ct);
        await api.PostAsync($"/api/tenants/{DemoCatalog.PlanTenant}/subscription", new { planId = DemoCatalog.CodingPlan }, "demo-subscribe-coder-li", ct);
        var invoices = new List<Invoice>();
        foreach (var month in months)
            foreach (var tenant in DemoCatalog.Tenants.Where(t => t.RequestsPerDay > 0))
                if (await closing.CloseAsync(tenant, month, TimeSpan.FromMinutes(2), ct) is { } invoice)
                    invoices.Add(invoice);
        await DemoSeeding.PaymentsAsync(api, invoices, months[1], clock.GetCurrentInstant(), ct);
        await DemoSeeding.StatementAsync(api, months[1], upstreamDays, ct);
        // The scheduled dunning run may have passed before the invoices existed: take today's steps now, as its next round would.
        await dunning.RunOnceAsync(clock.GetCurrentInstant(), ct);
        logger.LogInformation("Demo market seeded: {Tenants} tenants, {Invoices} invoices; sign in to the console with the operator key", DemoCatalog.Tenants.Length, invoices.Count);
    }

    private async Task StartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(ct);
    }
}
