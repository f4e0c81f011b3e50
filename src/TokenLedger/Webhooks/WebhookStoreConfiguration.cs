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
        opts.Schema.For<WebhookDelivery>().Index(d => d.WebhookId).Index(d => d.CreatedAtUnixMs);
    }
}
