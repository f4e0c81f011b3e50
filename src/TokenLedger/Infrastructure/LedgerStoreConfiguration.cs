using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using TokenLedger.Access;
using TokenLedger.Balances;
using TokenLedger.Plans;
using TokenLedger.Prepayment.Drawdowns;
using TokenLedger.Distributors;
using TokenLedger.Invoicing;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Receivables;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Pricing.ReRatingUsage;
using TokenLedger.Tenants;
using TokenLedger.Usage.Facts;
using TokenLedger.Usage.GettingUsage;
using TokenLedger.Usage.RecordingUsage;
using Weasel.Core;

namespace TokenLedger.Infrastructure;

public static class LedgerStoreConfiguration
{
    /// <summary>How often the projection daemon looks for new events, busy or caught up (TokenLedger:Projections:PollingMilliseconds).</summary>
    public static readonly TimeSpan DefaultPolling = TimeSpan.FromMilliseconds(100);

    public static void ConfigureLedger(this StoreOptions opts, TimeSpan? polling = null)
    {
        opts.DatabaseSchemaName = LedgerSchema.Name;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase,
            json => json.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb));
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        // Cap signals wait for the Funding subscription to see their usage. The daemon polls at its slow interval when it
        // finds itself caught up or behind an uncommitted event, which under steady load is most polls: one interval for both.
        opts.Projections.FastPollingTime = opts.Projections.SlowPollingTime = polling ?? DefaultPolling;
        // Never skip an event that fails in projection or subscription code: funding would silently miss it.
        opts.Projections.Errors.SkipApplyErrors = false;

        opts.Storage.ExtendedSchemaObjects.Add(UsageEventIds.Table(LedgerSchema.Name));
        opts.Storage.ExtendedSchemaObjects.Add(RatingCatalogRevision.Table(LedgerSchema.Name));
        opts.Storage.ExtendedSchemaObjects.Add(Idempotency.IdempotencyRecords.Table(LedgerSchema.Name));
        opts.Storage.ExtendedSchemaObjects.Add(PrepaymentDrawdowns.Table(LedgerSchema.Name));
        opts.Storage.ExtendedSchemaObjects.Add(Balances.Funding.FundedUsagePages.Table(LedgerSchema.Name));
        opts.Storage.ExtendedSchemaObjects.Add(Usage.LoggingRejectedUsage.RejectedUsageLog.Table(LedgerSchema.Name));
        opts.Projections.Add(new UsageFactsProjection(LedgerSchema.Name), ProjectionLifecycle.Inline);
        opts.Projections.Add(new UsageAdjustmentsProjection(LedgerSchema.Name), ProjectionLifecycle.Inline);
        // Inline: the ingest transaction has the batch in hand, and an async reader would read every batch's JSON back.
        opts.Projections.Add(new TenantUsageSummaryProjection(LedgerSchema.Name), ProjectionLifecycle.Inline);
        opts.Projections.Snapshot<Tenant>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<ApiKey>(SnapshotLifecycle.Inline);
        opts.Schema.For<TokenLedger.Access.TrackingUse.ApiKeyLastUse>();
        opts.Projections.Snapshot<PriceBook>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<TokenLedger.Compat.MeterMappings.MeterMapping>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<Distributor>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<Plan>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<TokenLedger.Reconciliation.ReconciliationReport>(SnapshotLifecycle.Inline);
        opts.ConfigureInvoicing(LedgerSchema.Name);
        opts.ConfigureReceivables(LedgerSchema.Name);
        Webhooks.WebhookStoreConfiguration.ConfigureWebhooks(opts);
        // Columns of their own, not indexes on expressions over the JSON: an index on `data` makes every rewrite of the
        // document (Funding stores each touched account per page) a non-HOT update that inserts into every index.
        opts.Schema.For<TenantAccount>().Duplicate(a => a.NextDueAtUnixMs!).Duplicate(a => a.NextHoldExpiryUnixMs!);
        opts.Schema.For<Parking.ParkedInput>().Index(p => p.AccountId).Index(p => p.Status);
        opts.Events.AddEventType<Parking.ParkedInputRetryRequested>();
    }
}
