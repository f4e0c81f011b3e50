using JasperFx.Events.Projections;
using Marten;
using TokenLedger.Webhooks.Delivering;

namespace TokenLedger.Webhooks;

public static class WebhookStoreConfiguration
{
    public static void ConfigureWebhooks(this StoreOptions opts)
    {
        opts.Projections.Snapshot<WebhookSubscription>(SnapshotLifecycle.Inline);
        opts.Schema.For<WebhookSecret>();
        // Optimistic concurrency: a delivery is stored against the version it was read at, so two replays (or a replay and
        // an attempt finishing) cannot both write it; the loser gets a ConcurrencyException (409 for a replay request,
        // a retry that re-reads it for an attempt).
        opts.Schema.For<WebhookDelivery>().Index(d => d.WebhookId).Index(d => d.CreatedAtUnixMs).UseOptimisticConcurrency(true);
    }
}
