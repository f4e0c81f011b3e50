using JasperFx.Events.Daemon;
using Marten;
using Npgsql;
using TokenLedger.Balances;
using TokenLedger.Balances.Funding;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenLedger.Infrastructure;
using TokenLedger.Parking;
using TokenLedger.Prepayment;
using TokenLedger.Receivables;
using TokenLedger.Prepayment.Drawdowns;
using TokenLedger.Usage.Facts;
using TokenLedger.Webhooks;
using Wolverine.Marten;

namespace TokenLedger.Api.Hosting;

public static class PersistenceSetup
{
    public static void AddLedgerPersistence(this WebApplicationBuilder builder, TokenLedgerOptions settings)
    {
        builder.Services.AddNpgsqlDataSource(settings.Postgres);
        builder.Services.AddSingleton<IConfigureMarten, EventTimestampsFromTheClock>();
        builder.Services.AddMarten(opts =>
            {
                opts.ConfigureLedger(settings.Projections.Polling);
                // After a successful apply Weasel stamps a SHA-256 of the configured schema's DDL (every table, function,
                // index and sequence Marten would create) into public.weasel_schema_fingerprints; a start whose configuration
                // hashes to a stamped value skips the comparison of the whole schema with the catalog (one select instead of
                // several seconds on a busy box). A build whose schema differs hashes differently and applies as before.
                opts.Advanced.Migrator.UseSchemaFingerprinting = !settings.Schema.AlwaysCompare;
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            // Wolverine spreads the projections and subscriptions over the nodes (HotCold would put them all on one).
            .AddAsyncDaemon(DaemonMode.Disabled)
            .IntegrateWithWolverine(w => w.UseWolverineManagedEventSubscriptionDistribution = true)
            .AddSubscriptionWithServices<FundingSubscription>(ServiceLifetime.Singleton)
            .AddSubscriptionWithServices<PrepaymentSubscription>(ServiceLifetime.Singleton)
            .PublishEventsToWolverine("GatewaySignals", relay =>
            {
                relay.PublishEvent<PrepaymentSignalRaised>(async (e, bus) =>
                {
                    await bus.PublishAsync(e.Data.Signal);
                    await bus.PublishAsync(WebhookEventRaised.From(e.Data.Signal));
                });
                relay.PublishEvent<ReceivablesSignalRaised>(async (e, bus) =>
                {
                    await bus.PublishAsync(e.Data.Signal);
                    await bus.PublishAsync(WebhookEventRaised.From(e.Data.Signal));
                });
                relay.PublishEvent<TokenLedger.Invoicing.InvoiceIssued>((e, bus) => bus.PublishAsync(LifecycleWebhooks.Issued(e.Data)));
                relay.PublishEvent<PaymentReceived>((e, bus) => bus.PublishAsync(LifecycleWebhooks.Received(e.Data)));
            });
        builder.Services.AddOptions<ParkingOptions>().BindConfiguration(ParkingOptions.Section)
            .Validate(o => o.Invalid() is null, "TokenLedger:Parking:Attempts must be 1–20").ValidateOnStart();
        builder.Services.AddSingleton<InputParking>();
        builder.Services.TryAddSingleton<IDecisionFaults, NoDecisionFaults>();
        builder.Services.AddSingleton<RatedUsageSource>();
        builder.Services.AddSingleton<SignalOutbox>();
        builder.Services.AddSingleton<WholesaleUsageSource>();
    }

    /// <summary>Events are stamped by the service's IClock (Rich append: Marten writes each event's timestamp from its TimeProvider), not by PostgreSQL's now().</summary>
    private sealed class EventTimestampsFromTheClock(NodaTime.IClock clock) : IConfigureMarten
    {
        public void Configure(IServiceProvider services, StoreOptions options) => options.Events.TimeProvider = new ClockTimeProvider(clock);
    }

    private static void AddNpgsqlDataSource(this IServiceCollection services, string connectionString) =>
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(WithStatementCache(connectionString)).Build());

    /// <summary>
    /// Npgsql prepares the statements a pooled connection runs often (<c>Max Auto Prepare</c>, unless the connection
    /// string names it), so PostgreSQL parses and plans the hot path's statements (a hold's lock, claim, loads and
    /// append; ingest's inserts) once per connection instead of once per call: about a fifth of PostgreSQL's CPU per hold
    /// (docs/holds.md, "Speed"). Prepared statements survive a connection's return to the pool; its session state is
    /// still reset.
    /// </summary>
    public static string WithStatementCache(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
            builder.MaxAutoPrepare = 100;
        return builder.ConnectionString;
    }
}
